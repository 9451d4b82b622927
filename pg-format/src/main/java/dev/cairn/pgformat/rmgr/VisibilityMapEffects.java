package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

import java.util.ArrayList;
import java.util.List;

/**
 * Which visibility-map bits a heap/heap2 record changes without registering
 * the VM page: heap redo clears them as a side effect when the record's flags
 * say the heap page was all-visible (or all-frozen). Mirrors heap_xlog_insert,
 * _delete, _update, _lock, _multi_insert and _lock_updated of PostgreSQL 15.
 * heap2 VISIBLE (which sets bits, with the VM page registered as block 0) is
 * reported as {@link VisibilityMapChange.Op#SET} for completeness.
 */
public final class VisibilityMapEffects {
    static final int XLOG_HEAP_OPMASK = 0x70;

    static final int HEAP_INSERT = 0x00;
    static final int HEAP_DELETE = 0x10;
    static final int HEAP_UPDATE = 0x20;
    static final int HEAP_HOT_UPDATE = 0x40;
    static final int HEAP_LOCK = 0x60;
    static final int HEAP2_VISIBLE = 0x40;
    static final int HEAP2_MULTI_INSERT = 0x50;
    static final int HEAP2_LOCK_UPDATED = 0x60;

    static final int XLH_INSERT_ALL_VISIBLE_CLEARED = 1;
    static final int XLH_UPDATE_OLD_ALL_VISIBLE_CLEARED = 1;
    static final int XLH_UPDATE_NEW_ALL_VISIBLE_CLEARED = 1 << 1;
    static final int XLH_DELETE_ALL_VISIBLE_CLEARED = 1;
    static final int XLH_LOCK_ALL_FROZEN_CLEARED = 1;

    private VisibilityMapEffects() {
    }

    /** The VM changes of this record; empty for records of other rmgrs or without such flags. */
    public static List<VisibilityMapChange> of(DecodedRecord rec) {
        RmgrId rmgr = rec.rmgr();
        if (rmgr == RmgrId.HEAP) {
            return heap(rec);
        }
        if (rmgr == RmgrId.HEAP2) {
            return heap2(rec);
        }
        return List.of();
    }

    private static List<VisibilityMapChange> heap(DecodedRecord rec) {
        int op = rec.rmgrInfo() & XLOG_HEAP_OPMASK;
        PayloadReader r = PayloadReader.of(rec, "Heap " + RecordTypeNames.display(rec));
        List<VisibilityMapChange> out = new ArrayList<>(2);
        switch (op) {
            case HEAP_INSERT -> {
                // xl_heap_insert: offnum u16, flags u8
                r.requireRemaining(3, "xl_heap_insert");
                if ((flagAt(r, 2) & XLH_INSERT_ALL_VISIBLE_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.VALID_BITS);
                }
            }
            case HEAP_DELETE -> {
                // xl_heap_delete: xmax u32, offnum u16, infobits u8, flags u8
                r.requireRemaining(8, "xl_heap_delete");
                if ((flagAt(r, 7) & XLH_DELETE_ALL_VISIBLE_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.VALID_BITS);
                }
            }
            case HEAP_UPDATE, HEAP_HOT_UPDATE -> {
                // xl_heap_update: old_xmax u32, old_offnum u16, old_infobits u8, flags u8, new_xmax u32, new_offnum u16
                r.requireRemaining(14, "xl_heap_update");
                int flags = flagAt(r, 7);
                if ((flags & XLH_UPDATE_OLD_ALL_VISIBLE_CLEARED) != 0) {
                    // the old page is block 1 when it differs from the new page (block 0)
                    int oldBlockId = rec.block(1) != null ? 1 : 0;
                    clear(out, rec, r, oldBlockId, VisibilityMapChange.VALID_BITS);
                }
                if ((flags & XLH_UPDATE_NEW_ALL_VISIBLE_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.VALID_BITS);
                }
            }
            case HEAP_LOCK -> {
                // xl_heap_lock: locking_xid u32, offnum u16, infobits i8, flags u8
                r.requireRemaining(8, "xl_heap_lock");
                if ((flagAt(r, 7) & XLH_LOCK_ALL_FROZEN_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.ALL_FROZEN);
                }
            }
            default -> {
            }
        }
        return List.copyOf(out);
    }

    private static List<VisibilityMapChange> heap2(DecodedRecord rec) {
        int op = rec.rmgrInfo() & XLOG_HEAP_OPMASK;
        PayloadReader r = PayloadReader.of(rec, "Heap2 " + RecordTypeNames.display(rec));
        List<VisibilityMapChange> out = new ArrayList<>(1);
        switch (op) {
            case HEAP2_MULTI_INSERT -> {
                // xl_heap_multi_insert: flags u8, pad, ntuples u16, offsets[] (omitted with INIT_PAGE)
                r.requireRemaining(4, "xl_heap_multi_insert");
                if ((flagAt(r, 0) & XLH_INSERT_ALL_VISIBLE_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.VALID_BITS);
                }
            }
            case HEAP2_LOCK_UPDATED -> {
                // xl_heap_lock_updated: xmax u32, offnum u16, infobits u8, flags u8
                r.requireRemaining(8, "xl_heap_lock_updated");
                if ((flagAt(r, 7) & XLH_LOCK_ALL_FROZEN_CLEARED) != 0) {
                    clear(out, rec, r, 0, VisibilityMapChange.ALL_FROZEN);
                }
            }
            case HEAP2_VISIBLE -> {
                // xl_heap_visible: cutoff_xid u32, flags u8; block 0 = VM page, block 1 = heap page
                r.requireRemaining(5, "xl_heap_visible");
                int bits = flagAt(r, 4) & VisibilityMapChange.VALID_BITS;
                BlockReference heapBlock = requireBlock(rec, r, 1);
                out.add(new VisibilityMapChange(VisibilityMapChange.Op.SET, heapBlock.rel(),
                        heapBlock.blockNumber(), bits));
            }
            default -> {
            }
        }
        return List.copyOf(out);
    }

    private static int flagAt(PayloadReader r, int offset) {
        return r.u8At(offset, "flags");
    }

    private static void clear(List<VisibilityMapChange> out, DecodedRecord rec, PayloadReader r, int blockId,
                              int bits) {
        BlockReference b = requireBlock(rec, r, blockId);
        RelFileLocator rel = b.rel();
        out.add(new VisibilityMapChange(VisibilityMapChange.Op.CLEAR, rel, b.blockNumber(), bits));
    }

    private static BlockReference requireBlock(DecodedRecord rec, PayloadReader r, int blockId) {
        BlockReference b = rec.block(blockId);
        if (b == null) {
            throw r.malformed("flags name a heap page but block " + blockId + " is not registered");
        }
        return b;
    }
}
