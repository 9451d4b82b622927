package dev.cairn.redo.heap;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * The heap2 resource manager's block redo (heapam.c, pruneheap.c): prune, vacuum, freeze, visible (the heap
 * page's PD_ALL_VISIBLE and the visibility-map page's bits), multi-insert and lock-updated. REWRITE and
 * NEW_CID change no block.
 */
public final class Heap2Redo implements RmgrRedo {
    static final int REWRITE = 0x00;
    static final int PRUNE = 0x10;
    static final int VACUUM = 0x20;
    static final int FREEZE_PAGE = 0x30;
    static final int VISIBLE = 0x40;
    static final int MULTI_INSERT = 0x50;
    static final int LOCK_UPDATED = 0x60;
    static final int NEW_CID = 0x70;
    static final int OPMASK = 0x70;
    static final int INIT_PAGE = 0x80;

    static final int INSERT_ALL_VISIBLE_CLEARED = 1;
    static final int INSERT_ALL_FROZEN_SET = 1 << 5;
    static final int FREEZE_XVAC = 0x02;
    static final int INVALID_XVAC = 0x04;
    /** sizeof(xl_heap_freeze_tuple): xmax, offset, infomask2, infomask, frzflags, padding. */
    static final int FREEZE_TUPLE_SIZE = 12;
    /** SizeOfMultiInsertTuple: datalen, infomask2, infomask, t_hoff. */
    static final int MULTI_INSERT_TUPLE = 7;
    /** VISIBILITYMAP_VALID_BITS. */
    static final int VM_VALID_BITS = 0x03;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        switch (info & OPMASK) {
            case PRUNE -> prune(rec, block, page);
            case VACUUM -> vacuum(rec, block, page);
            case FREEZE_PAGE -> freeze(rec, block, page);
            case VISIBLE -> visible(rec, block, page);
            case MULTI_INSERT -> multiInsert(rec, block, page, (info & INIT_PAGE) != 0);
            case LOCK_UPDATED -> lockUpdated(rec, page);
            default -> throw new UnsupportedRedoException(rec, block, "heap2 record type 0x"
                    + Integer.toHexString(info) + " changes no block");
        }
    }

    @Override
    public boolean zeroIfMissing(DecodedRecord rec, BlockReference block) {
        // heap_xlog_visible reads the map page with RBM_ZERO_ON_ERROR: it may not exist yet
        return (rec.rmgrInfo() & OPMASK) == VISIBLE && block.blockId() == 0;
    }

    @Override
    public void mask(Page page, long blockNumber) {
        HeapMask.mask(page, blockNumber);
    }

    private static int u16(ByteBuffer b, int off) {
        return b.getShort(off) & 0xFFFF;
    }

    private static int[] offsets(ByteBuffer data, int from, int count) {
        if (from + 2 * count > data.remaining()) {
            throw new PageCorruptException(count + " offsets do not fit the block data of " + data.remaining()
                    + " bytes");
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = u16(data, from + 2 * i);
        }
        return out;
    }

    private static void requireItem(Page page, int offnum) {
        if (offnum < 1 || offnum > page.maxOffset()) {
            throw new PageCorruptException("offset " + offnum + " is beyond the line pointer array ("
                    + page.maxOffset() + " items)");
        }
    }

    /** heap_page_prune_execute: redirects, dead and unused line pointers, then defragmentation. */
    private static void prune(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = rec.mainData();
        int nredirected = u16(main, 4);
        int ndead = u16(main, 6);
        ByteBuffer data = block.data();
        int total = data.remaining() / 2;
        if (2 * nredirected + ndead > total) {
            throw new PageCorruptException("prune lists " + nredirected + " redirects and " + ndead
                    + " dead items, but the block data holds " + total + " offsets");
        }
        int[] redirected = offsets(data, 0, 2 * nredirected);
        int[] dead = offsets(data, 4 * nredirected, ndead);
        int[] unused = offsets(data, 4 * nredirected + 2 * ndead, total - 2 * nredirected - ndead);
        for (int i = 0; i < nredirected; i++) {
            requireItem(page, redirected[2 * i]);
            requireItem(page, redirected[2 * i + 1]);
            page.setItemRedirect(redirected[2 * i], redirected[2 * i + 1]);
        }
        for (int off : dead) {
            requireItem(page, off);
            page.setItemDead(off);
        }
        for (int off : unused) {
            requireItem(page, off);
            page.setItemUnused(off);
        }
        page.repairFragmentation();
    }

    private static void vacuum(DecodedRecord rec, BlockReference block, Page page) {
        int nunused = u16(rec.mainData(), 0);
        for (int off : offsets(block.data(), 0, nunused)) {
            requireItem(page, off);
            page.setItemUnused(off);
        }
        page.truncateLinePointerArray();
    }

    private static void freeze(DecodedRecord rec, BlockReference block, Page page) {
        int ntuples = u16(rec.mainData(), 4);
        ByteBuffer data = block.data();
        if (ntuples * FREEZE_TUPLE_SIZE > data.remaining()) {
            throw new PageCorruptException(ntuples + " frozen tuples do not fit the block data of "
                    + data.remaining() + " bytes");
        }
        for (int i = 0; i < ntuples; i++) {
            int at = i * FREEZE_TUPLE_SIZE;
            int tup = page.itemStart(u16(data, at + 4));
            HeapTuple.setXmax(page, tup, data.getInt(at) & 0xFFFFFFFFL);
            int frzflags = data.get(at + 10) & 0xFF;
            if ((frzflags & FREEZE_XVAC) != 0) {
                page.put32(tup + HeapTuple.CID, 2); // FrozenTransactionId
            }
            if ((frzflags & INVALID_XVAC) != 0) {
                page.put32(tup + HeapTuple.CID, 0);
            }
            HeapTuple.setInfomask(page, tup, u16(data, at + 8));
            HeapTuple.setInfomask2(page, tup, u16(data, at + 6));
        }
    }

    /**
     * Block 0 is the visibility-map page, block 1 the heap page. The heap page only gains PD_ALL_VISIBLE; the
     * map page gets the record's bits for the heap block (visibilitymap_set), initialised if it was new.
     */
    private static void visible(DecodedRecord rec, BlockReference block, Page page) {
        if (block.blockId() == 1) {
            page.setFlag(Page.PD_ALL_VISIBLE, true);
            return;
        }
        BlockReference heap = rec.block(1);
        if (heap == null) {
            throw new PageCorruptException("visible record registers no heap block");
        }
        int flags = rec.mainData().get(4) & VM_VALID_BITS;
        if (page.isNew()) {
            page.init(0);
        }
        VisibilityMapPage.set(page, heap.blockNumber(), flags);
    }

    /** Tuples of the block data, each an xl_multi_insert_tuple at a 2-byte boundary followed by its data. */
    private static void multiInsert(DecodedRecord rec, BlockReference block, Page page, boolean init) {
        ByteBuffer main = rec.mainData();
        int flags = main.get(0) & 0xFF;
        int ntuples = u16(main, 2);
        if (init) {
            page.init(0);
        } else if (main.remaining() < 4 + 2 * ntuples) {
            throw new PageCorruptException("multi-insert of " + ntuples + " tuples lists " + (main.remaining() - 4) / 2
                    + " offsets");
        }
        ByteBuffer data = block.data();
        int pos = 0;
        long xid = rec.header().xidUnsigned();
        for (int i = 0; i < ntuples; i++) {
            int offnum = init ? 1 + i : u16(main, 4 + 2 * i);
            if (page.maxOffset() + 1 < offnum) {
                throw new PageCorruptException("invalid max offset number: tuple at " + offnum + " after "
                        + page.maxOffset() + " items");
            }
            pos = (pos + 1) & ~1;
            if (pos + MULTI_INSERT_TUPLE > data.remaining()) {
                throw new PageCorruptException("tuple " + i + " of " + ntuples + " is past the block data");
            }
            int len = u16(data, pos);
            int infomask2 = u16(data, pos + 2);
            int infomask = u16(data, pos + 4);
            int hoff = data.get(pos + 6) & 0xFF;
            pos += MULTI_INSERT_TUPLE;
            if (pos + len > data.remaining()) {
                throw new PageCorruptException("tuple " + i + " of " + len + " bytes runs past the block data");
            }
            byte[] tuple = HeapTuple.build(infomask2, infomask, hoff, xid, block.blockNumber(), offnum,
                    HeapRedo.bytes(data, pos, len), 0, len);
            pos += len;
            page.addItem(tuple, tuple.length, offnum, true, true);
        }
        if (pos != data.remaining()) {
            throw new PageCorruptException("total tuple length mismatch: " + pos + " of " + data.remaining()
                    + " bytes used");
        }
        if ((flags & INSERT_ALL_VISIBLE_CLEARED) != 0) {
            page.setFlag(Page.PD_ALL_VISIBLE, false);
        }
        if ((flags & INSERT_ALL_FROZEN_SET) != 0) {
            page.setFlag(Page.PD_ALL_VISIBLE, true);
        }
    }

    private static void lockUpdated(DecodedRecord rec, Page page) {
        ByteBuffer main = rec.mainData();
        int tup = page.normalItemStart(u16(main, 4));
        HeapTuple.resetXmaxBits(page, tup, main.get(6) & 0xFF);
        HeapTuple.setXmax(page, tup, main.getInt(0) & 0xFFFFFFFFL);
    }
}
