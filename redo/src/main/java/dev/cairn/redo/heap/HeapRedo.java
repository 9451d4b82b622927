package dev.cairn.redo.heap;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * The heap resource manager's block redo (heapam.c heap_xlog_*): insert, delete, update and HOT update (with
 * prefix/suffix compression), confirm, lock and in-place update. TRUNCATE changes no block here. Visibility-map
 * bits these records clear are the pageserver's (they live on a block the record does not register).
 */
public final class HeapRedo implements RmgrRedo {
    static final int INSERT = 0x00;
    static final int DELETE = 0x10;
    static final int UPDATE = 0x20;
    static final int TRUNCATE = 0x30;
    static final int HOT_UPDATE = 0x40;
    static final int CONFIRM = 0x50;
    static final int LOCK = 0x60;
    static final int INPLACE = 0x70;
    static final int OPMASK = 0x70;
    static final int INIT_PAGE = 0x80;

    static final int INSERT_ALL_VISIBLE_CLEARED = 1;
    static final int DELETE_ALL_VISIBLE_CLEARED = 1;
    static final int DELETE_IS_SUPER = 1 << 3;
    static final int DELETE_IS_PARTITION_MOVE = 1 << 4;
    static final int UPDATE_OLD_ALL_VISIBLE_CLEARED = 1;
    static final int UPDATE_NEW_ALL_VISIBLE_CLEARED = 1 << 1;
    static final int UPDATE_PREFIX_FROM_OLD = 1 << 5;
    static final int UPDATE_SUFFIX_FROM_OLD = 1 << 6;
    /** SizeOfHeapHeader: t_infomask2, t_infomask, t_hoff. */
    static final int XL_HEAP_HEADER = 5;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        switch (info & OPMASK) {
            case INSERT -> insert(rec, block, page, (info & INIT_PAGE) != 0);
            case DELETE -> delete(rec, block, page);
            case UPDATE -> update(rec, block, page, false, (info & INIT_PAGE) != 0);
            case HOT_UPDATE -> update(rec, block, page, true, (info & INIT_PAGE) != 0);
            case CONFIRM -> {
                int tup = page.normalItemStart(rec.mainData().getShort(0) & 0xFFFF);
                HeapTuple.setCtid(page, tup, block.blockNumber(), rec.mainData().getShort(0) & 0xFFFF);
            }
            case LOCK -> lock(rec, block, page);
            case INPLACE -> inplace(rec, block, page);
            default -> throw new UnsupportedRedoException(rec, block, "heap record type 0x"
                    + Integer.toHexString(info) + " changes no block");
        }
    }

    @Override
    public void mask(Page page, long blockNumber) {
        HeapMask.mask(page, blockNumber);
    }

    private static int u16(ByteBuffer b, int off) {
        return b.getShort(off) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int off) {
        return b.getInt(off) & 0xFFFFFFFFL;
    }

    private static void insert(DecodedRecord rec, BlockReference block, Page page, boolean init) {
        ByteBuffer main = rec.mainData();
        int offnum = u16(main, 0);
        int flags = main.get(2) & 0xFF;
        if (init) {
            page.init(0);
        }
        if (page.maxOffset() + 1 < offnum) {
            throw new PageCorruptException("invalid max offset number: inserting at " + offnum + " after "
                    + page.maxOffset() + " items");
        }
        ByteBuffer data = block.data();
        int dataLen = data.remaining() - XL_HEAP_HEADER;
        if (dataLen < 0) {
            throw new PageCorruptException("insert data of " + data.remaining() + " bytes has no tuple header");
        }
        byte[] tuple = HeapTuple.build(u16(data, 0), u16(data, 2), data.get(4) & 0xFF, rec.header().xidUnsigned(),
                block.blockNumber(), offnum, bytes(data, XL_HEAP_HEADER, dataLen), 0, dataLen);
        page.addItem(tuple, tuple.length, offnum, true, true);
        if ((flags & INSERT_ALL_VISIBLE_CLEARED) != 0) {
            page.setFlag(Page.PD_ALL_VISIBLE, false);
        }
    }

    static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    private static void delete(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = rec.mainData();
        long xmax = u32(main, 0);
        int offnum = u16(main, 4);
        int infobits = main.get(6) & 0xFF;
        int flags = main.get(7) & 0xFF;
        int tup = page.normalItemStart(offnum);
        HeapTuple.resetXmaxBits(page, tup, infobits);
        HeapTuple.setInfomask2(page, tup, HeapTuple.infomask2(page, tup) & ~HeapTuple.HEAP_HOT_UPDATED);
        if ((flags & DELETE_IS_SUPER) == 0) {
            HeapTuple.setXmax(page, tup, xmax);
        } else {
            HeapTuple.setXmin(page, tup, 0);
        }
        HeapTuple.setCmaxFirst(page, tup);
        page.setPrunable(rec.header().xidUnsigned());
        if ((flags & DELETE_ALL_VISIBLE_CLEARED) != 0) {
            page.setFlag(Page.PD_ALL_VISIBLE, false);
        }
        if ((flags & DELETE_IS_PARTITION_MOVE) != 0) {
            HeapTuple.setCtid(page, tup, ItemPointer.INVALID_BLOCK, HeapTuple.MOVED_PARTITIONS_OFFSET);
        } else {
            HeapTuple.setCtid(page, tup, block.blockNumber(), offnum);
        }
    }

    /**
     * Block 0 is the new tuple's page, block 1 the old one's when they differ. On one page, the old tuple is
     * changed first and the new one may take a prefix and a suffix of its bytes (only then are they logged so).
     */
    private static void update(DecodedRecord rec, BlockReference block, Page page, boolean hot, boolean init) {
        ByteBuffer main = rec.mainData();
        long oldXmax = u32(main, 0);
        int oldOff = u16(main, 4);
        int oldInfobits = main.get(6) & 0xFF;
        int flags = main.get(7) & 0xFF;
        long newXmax = u32(main, 8);
        int newOff = u16(main, 12);
        BlockReference newBlock = rec.block(0);
        BlockReference oldBlock = rec.block(1);
        boolean samePage = oldBlock == null;
        long newBlockNumber = newBlock.blockNumber();

        int oldTup = -1;
        int oldLen = 0;
        if (block.blockId() == 1 || samePage) {
            oldTup = page.normalItemStart(oldOff);
            oldLen = page.itemLength(oldOff);
            HeapTuple.resetXmaxBits(page, oldTup, oldInfobits);
            int mask2 = HeapTuple.infomask2(page, oldTup);
            HeapTuple.setInfomask2(page, oldTup, hot ? mask2 | HeapTuple.HEAP_HOT_UPDATED
                    : mask2 & ~HeapTuple.HEAP_HOT_UPDATED);
            HeapTuple.setXmax(page, oldTup, oldXmax);
            HeapTuple.setCmaxFirst(page, oldTup);
            HeapTuple.setCtid(page, oldTup, newBlockNumber, newOff);
            page.setPrunable(rec.header().xidUnsigned());
            if ((flags & UPDATE_OLD_ALL_VISIBLE_CLEARED) != 0) {
                page.setFlag(Page.PD_ALL_VISIBLE, false);
            }
            if (!samePage) {
                return;
            }
        }
        if (init && !samePage) {
            page.init(0);
        }
        if (page.maxOffset() + 1 < newOff) {
            throw new PageCorruptException("invalid max offset number: new tuple at " + newOff + " after "
                    + page.maxOffset() + " items");
        }
        ByteBuffer data = newBlock.data();
        int pos = 0;
        int prefix = 0;
        int suffix = 0;
        if ((flags & UPDATE_PREFIX_FROM_OLD) != 0) {
            prefix = u16(data, pos);
            pos += 2;
        }
        if ((flags & UPDATE_SUFFIX_FROM_OLD) != 0) {
            suffix = u16(data, pos);
            pos += 2;
        }
        if ((prefix > 0 || suffix > 0) && oldTup < 0) {
            throw new PageCorruptException("update takes a prefix or suffix from an old tuple on another page");
        }
        int infomask2 = u16(data, pos);
        int infomask = u16(data, pos + 2);
        int hoff = data.get(pos + 4) & 0xFF;
        pos += XL_HEAP_HEADER;
        int tupLen = data.remaining() - pos;
        if (tupLen < 0 || hoff < HeapTuple.HEADER_SIZE || (prefix > 0 && tupLen < hoff - HeapTuple.HEADER_SIZE)) {
            throw new PageCorruptException("update data of " + data.remaining() + " bytes is too short (t_hoff "
                    + hoff + ")");
        }
        byte[] body = new byte[tupLen + prefix + suffix];
        int at = 0;
        if (prefix > 0) {
            int bitmap = hoff - HeapTuple.HEADER_SIZE;
            data.get(pos, body, 0, bitmap);
            at = bitmap;
            int oldHoff = HeapTuple.hoff(page, oldTup);
            System.arraycopy(page.bytes(), oldTup + oldHoff, body, at, prefix);
            at += prefix;
            data.get(pos + bitmap, body, at, tupLen - bitmap);
            at += tupLen - bitmap;
        } else {
            data.get(pos, body, 0, tupLen);
            at = tupLen;
        }
        if (suffix > 0) {
            System.arraycopy(page.bytes(), oldTup + oldLen - suffix, body, at, suffix);
        }
        byte[] tuple = HeapTuple.build(infomask2, infomask, hoff, rec.header().xidUnsigned(), newBlockNumber, newOff,
                body, 0, body.length);
        HeapTuple.putLe32(tuple, HeapTuple.XMAX, newXmax);
        page.addItem(tuple, tuple.length, newOff, true, true);
        if ((flags & UPDATE_NEW_ALL_VISIBLE_CLEARED) != 0) {
            page.setFlag(Page.PD_ALL_VISIBLE, false);
        }
    }

    private static void lock(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = rec.mainData();
        long lockingXid = u32(main, 0);
        int offnum = u16(main, 4);
        int infobits = main.get(6) & 0xFF;
        int tup = page.normalItemStart(offnum);
        HeapTuple.resetXmaxBits(page, tup, infobits);
        if (HeapTuple.xmaxIsLockedOnly(HeapTuple.infomask(page, tup))) {
            HeapTuple.setInfomask2(page, tup, HeapTuple.infomask2(page, tup) & ~HeapTuple.HEAP_HOT_UPDATED);
            HeapTuple.setCtid(page, tup, block.blockNumber(), offnum);
        }
        HeapTuple.setXmax(page, tup, lockingXid);
        HeapTuple.setCmaxFirst(page, tup);
    }

    private static void inplace(DecodedRecord rec, BlockReference block, Page page) {
        int offnum = u16(rec.mainData(), 0);
        int tup = page.normalItemStart(offnum);
        int hoff = HeapTuple.hoff(page, tup);
        int oldLen = page.itemLength(offnum) - hoff;
        ByteBuffer data = block.data();
        if (oldLen != data.remaining()) {
            throw new PageCorruptException("wrong tuple length: in-place update of " + data.remaining()
                    + " bytes over " + oldLen);
        }
        data.get(0, page.bytes(), tup + hoff, oldLen);
    }
}
