package dev.cairn.redo.heap;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;

/**
 * HeapTupleHeaderData (htup_details.h) on a page: field offsets, infomask bits, and the setters redo uses.
 * Positions are byte offsets of the tuple on the page.
 */
public final class HeapTuple {
    public static final int XMIN = 0;
    public static final int XMAX = 4;
    /** t_cid, or t_xvac for old-style VACUUM FULL moves. */
    public static final int CID = 8;
    public static final int CTID = 12;
    public static final int INFOMASK2 = 18;
    public static final int INFOMASK = 20;
    public static final int HOFF = 22;
    /** SizeofHeapTupleHeader. */
    public static final int HEADER_SIZE = 23;

    public static final int HEAP_XMAX_KEYSHR_LOCK = 0x0010;
    public static final int HEAP_COMBOCID = 0x0020;
    public static final int HEAP_XMAX_EXCL_LOCK = 0x0040;
    public static final int HEAP_XMAX_LOCK_ONLY = 0x0080;
    public static final int HEAP_XMIN_COMMITTED = 0x0100;
    public static final int HEAP_XMIN_INVALID = 0x0200;
    public static final int HEAP_XMIN_FROZEN = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID;
    public static final int HEAP_XMAX_COMMITTED = 0x0400;
    public static final int HEAP_XMAX_INVALID = 0x0800;
    public static final int HEAP_XMAX_IS_MULTI = 0x1000;
    public static final int HEAP_MOVED = 0xC000;
    public static final int HEAP_XMAX_BITS = HEAP_XMAX_COMMITTED | HEAP_XMAX_INVALID | HEAP_XMAX_IS_MULTI
            | HEAP_XMAX_KEYSHR_LOCK | HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_LOCK_ONLY;
    /** HEAP_XACT_MASK: the visibility bits, hints among them. */
    public static final int HEAP_XACT_MASK = 0xFFF0;
    public static final int HEAP_KEYS_UPDATED = 0x2000;
    public static final int HEAP_HOT_UPDATED = 0x4000;

    /** SpecTokenOffsetNumber: a speculative insertion's t_ctid offset. */
    public static final int SPEC_TOKEN_OFFSET = 0xFFFE;
    /** MovedPartitionsOffsetNumber, with block number InvalidBlockNumber. */
    public static final int MOVED_PARTITIONS_OFFSET = 0xFFFD;
    /** FirstCommandId: what redo puts in t_cid. */
    public static final int FIRST_COMMAND_ID = 0;

    private HeapTuple() {
    }

    public static void setCtid(Page p, int tup, long block, int offnum) {
        ItemPointer.set(p, tup + CTID, block, offnum);
    }

    public static int ctidOffset(Page p, int tup) {
        return p.u16(tup + CTID + 4);
    }

    public static int infomask(Page p, int tup) {
        return p.u16(tup + INFOMASK);
    }

    public static void setInfomask(Page p, int tup, int v) {
        p.put16(tup + INFOMASK, v);
    }

    public static int infomask2(Page p, int tup) {
        return p.u16(tup + INFOMASK2);
    }

    public static void setInfomask2(Page p, int tup, int v) {
        p.put16(tup + INFOMASK2, v);
    }

    public static int hoff(Page p, int tup) {
        return p.u8(tup + HOFF);
    }

    /** HeapTupleHeaderSetCmax(tup, FirstCommandId, false): t_cid, and not a combo id. */
    public static void setCmaxFirst(Page p, int tup) {
        p.put32(tup + CID, FIRST_COMMAND_ID);
        setInfomask(p, tup, infomask(p, tup) & ~HEAP_COMBOCID);
    }

    public static void setXmax(Page p, int tup, long xid) {
        p.put32(tup + XMAX, xid);
    }

    public static void setXmin(Page p, int tup, long xid) {
        p.put32(tup + XMIN, xid);
    }

    /**
     * The xmax part every delete, update and lock redo starts with: clear xmax bits, old-style move bits and
     * HEAP_KEYS_UPDATED, then set what the record's infobits say (fix_infomask_from_infobits).
     */
    public static void resetXmaxBits(Page p, int tup, int infobits) {
        int mask = infomask(p, tup) & ~(HEAP_XMAX_BITS | HEAP_MOVED);
        int mask2 = infomask2(p, tup) & ~HEAP_KEYS_UPDATED;
        if ((infobits & XLHL_XMAX_IS_MULTI) != 0) {
            mask |= HEAP_XMAX_IS_MULTI;
        }
        if ((infobits & XLHL_XMAX_LOCK_ONLY) != 0) {
            mask |= HEAP_XMAX_LOCK_ONLY;
        }
        if ((infobits & XLHL_XMAX_EXCL_LOCK) != 0) {
            mask |= HEAP_XMAX_EXCL_LOCK;
        }
        if ((infobits & XLHL_XMAX_KEYSHR_LOCK) != 0) {
            mask |= HEAP_XMAX_KEYSHR_LOCK;
        }
        if ((infobits & XLHL_KEYS_UPDATED) != 0) {
            mask2 |= HEAP_KEYS_UPDATED;
        }
        setInfomask(p, tup, mask);
        setInfomask2(p, tup, mask2);
    }

    static final int XLHL_XMAX_IS_MULTI = 0x01;
    static final int XLHL_XMAX_LOCK_ONLY = 0x02;
    static final int XLHL_XMAX_EXCL_LOCK = 0x04;
    static final int XLHL_XMAX_KEYSHR_LOCK = 0x08;
    static final int XLHL_KEYS_UPDATED = 0x10;

    /** HEAP_XMAX_IS_LOCKED_ONLY: xmax only locks the tuple (LOCK_ONLY, or a lone exclusive lock bit). */
    static boolean xmaxIsLockedOnly(int infomask) {
        return (infomask & HEAP_XMAX_LOCK_ONLY) != 0
                || (infomask & (HEAP_XMAX_IS_MULTI | HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK)) == HEAP_XMAX_EXCL_LOCK;
    }

    /**
     * A new tuple as heap redo builds it: a zeroed 23-byte header with the logged infomask2, infomask and
     * t_hoff, xmin = the record's xid, cmin = FirstCommandId (which clears HEAP_COMBOCID), t_ctid = its own
     * position, then the data.
     */
    static byte[] build(int infomask2, int infomask, int hoff, long xmin, long block, int offnum, byte[] data,
                        int dataOff, int dataLen) {
        byte[] t = new byte[HEADER_SIZE + dataLen];
        putLe16(t, INFOMASK2, infomask2);
        putLe16(t, INFOMASK, infomask & ~HEAP_COMBOCID);
        t[HOFF] = (byte) hoff;
        putLe32(t, XMIN, xmin);
        putLe16(t, CTID, (int) (block >>> 16));
        putLe16(t, CTID + 2, (int) block);
        putLe16(t, CTID + 4, offnum);
        System.arraycopy(data, dataOff, t, HEADER_SIZE, dataLen);
        return t;
    }

    static void putLe16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void putLe32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
