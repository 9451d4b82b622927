package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

/**
 * pg_waldump-style details for Heap and Heap2 records (heapdesc.c), read
 * straight from the main data: these records are not decoded into types
 * because ingest only needs their VM flags.
 */
final class HeapDescriber {
    private HeapDescriber() {
    }

    static String describe(DecodedRecord rec) {
        int op = rec.rmgrInfo() & VisibilityMapEffects.XLOG_HEAP_OPMASK;
        PayloadReader r = PayloadReader.of(rec, RmgrId.nameOf(rec.rmid()) + " " + RecordTypeNames.display(rec));
        return rec.rmgr() == RmgrId.HEAP ? heap(op, r) : heap2(op, r);
    }

    private static String heap(int op, PayloadReader r) {
        return switch (op) {
            case 0x00 -> { // INSERT
                int off = r.u16("offnum");
                yield String.format("off %d flags 0x%02X", off, r.u8("flags"));
            }
            case 0x10 -> { // DELETE
                long xmax = r.u32("xmax");
                int off = r.u16("offnum");
                int infobits = r.u8("infobits_set");
                int flags = r.u8("flags");
                yield String.format("off %d flags 0x%02X ", off, flags) + infobits(infobits);
            }
            case 0x20, 0x40 -> { // UPDATE, HOT_UPDATE
                r.requireRemaining(14, "xl_heap_update");
                long oldXmax = r.u32("old_xmax");
                int oldOff = r.u16("old_offnum");
                int infobits = r.u8("old_infobits_set");
                int flags = r.u8("flags");
                long newXmax = r.u32("new_xmax");
                int newOff = r.u16("new_offnum");
                yield String.format("off %d xmax %d flags 0x%02X ", oldOff, oldXmax, flags) + infobits(infobits)
                        + String.format("; new off %d xmax %d", newOff, newXmax);
            }
            case 0x30 -> { // TRUNCATE: dbId, nrelids, flags, relids[]
                r.skip(4, "dbId");
                long n = r.u32("nrelids");
                int flags = r.u8("flags");
                r.alignTo(4, "padding");
                StringBuilder sb = new StringBuilder();
                if ((flags & 1) != 0) {
                    sb.append("cascade ");
                }
                if ((flags & 2) != 0) {
                    sb.append("restart_seqs ");
                }
                sb.append("nrelids ").append(n).append(" relids");
                for (long id : r.u32List(n, "relids")) {
                    sb.append(' ').append(id);
                }
                yield sb.toString();
            }
            case 0x50, 0x70 -> "off " + r.u16("offnum"); // CONFIRM, INPLACE
            case 0x60 -> { // LOCK
                long xid = r.u32("locking_xid");
                int off = r.u16("offnum");
                int infobits = r.u8("infobits_set");
                int flags = r.u8("flags");
                yield String.format("off %d: xid %d: flags 0x%02X ", off, xid, flags) + infobits(infobits);
            }
            default -> "";
        };
    }

    private static String heap2(int op, PayloadReader r) {
        return switch (op) {
            case 0x10 -> { // PRUNE
                long xid = r.u32("latestRemovedXid");
                int nredirected = r.u16("nredirected");
                yield String.format("latestRemovedXid %d nredirected %d ndead %d", xid, nredirected, r.u16("ndead"));
            }
            case 0x20 -> "nunused " + r.u16("nunused"); // VACUUM
            case 0x30 -> { // FREEZE_PAGE
                long cutoff = r.u32("cutoff_xid");
                yield "cutoff xid " + cutoff + " ntuples " + r.u16("ntuples");
            }
            case 0x40 -> { // VISIBLE
                long cutoff = r.u32("cutoff_xid");
                yield String.format("cutoff xid %d flags 0x%02X", cutoff, r.u8("flags"));
            }
            case 0x50 -> { // MULTI_INSERT
                int flags = r.u8("flags");
                r.skip(1, "padding");
                yield String.format("%d tuples flags 0x%02X", r.u16("ntuples"), flags);
            }
            case 0x60 -> { // LOCK_UPDATED
                long xmax = r.u32("xmax");
                int off = r.u16("offnum");
                int infobits = r.u8("infobits_set");
                int flags = r.u8("flags");
                yield String.format("off %d: xmax %d: flags 0x%02X ", off, xmax, flags) + infobits(infobits);
            }
            case 0x70 -> { // NEW_CID
                r.requireRemaining(34, "xl_heap_new_cid");
                r.skip(4, "top_xid");
                long cmin = r.u32("cmin");
                long cmax = r.u32("cmax");
                long combo = r.u32("combocid");
                var rel = r.relFileLocator("target_node");
                long blk = ((long) r.u16("bi_hi") << 16) | r.u16("bi_lo");
                int off = r.u16("ip_posid");
                yield "rel " + rel + "; tid " + blk + "/" + off + "; cmin: " + cmin + ", cmax: " + cmax
                        + ", combo: " + combo;
            }
            default -> "";
        };
    }

    private static String infobits(int bits) {
        StringBuilder sb = new StringBuilder();
        if ((bits & 0x01) != 0) {
            sb.append("IS_MULTI ");
        }
        if ((bits & 0x02) != 0) {
            sb.append("LOCK_ONLY ");
        }
        if ((bits & 0x04) != 0) {
            sb.append("EXCL_LOCK ");
        }
        if ((bits & 0x08) != 0) {
            sb.append("KEYSHR_LOCK ");
        }
        if ((bits & 0x10) != 0) {
            sb.append("KEYS_UPDATED ");
        }
        return sb.toString();
    }
}
