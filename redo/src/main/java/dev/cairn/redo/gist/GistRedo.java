package dev.cairn.redo.gist;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.PageMasks;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The GiST resource manager's redo (gistxlog.c), one registered block at a time: page updates (with the left
 * child whose split the new downlink completes), deletion of dead leaf tuples, page splits, and page deletion.
 * PAGE_REUSE and ASSIGN_LSN change no block.
 */
public final class GistRedo implements RmgrRedo {
    static final int PAGE_UPDATE = 0x00;
    static final int DELETE = 0x10;
    static final int PAGE_REUSE = 0x20;
    static final int PAGE_SPLIT = 0x30;
    static final int PAGE_DELETE = 0x60;
    static final int ASSIGN_LSN = 0x70;
    /** SizeOfGistxlogDelete: latestRemovedXid, ntodelete. */
    private static final int XL_DELETE_SIZE = 6;
    /** sizeof(gistxlogPageSplit). */
    private static final int XL_SPLIT_SIZE = 24;
    /** SizeOfGistxlogPageDelete: deleteXid, downlinkOffset. */
    private static final int XL_PAGE_DELETE_SIZE = 10;
    private static final long ROOT_BLOCK = 0;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        ByteBuffer main = rec.mainData();
        switch (info) {
            case PAGE_UPDATE -> {
                RecordData.atLeast(main, 4, "gistxlogPageUpdate");
                switch (block.blockId()) {
                    case 0 -> update(block, page, RecordData.u16(main, 0), RecordData.u16(main, 2));
                    case 1 -> GistPage.clearFollowRight(page, rec.pageLsn());
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case DELETE -> {
                RecordBlocks.require(rec, block, 0);
                RecordData.atLeast(main, XL_DELETE_SIZE, "gistxlogDelete");
                if (main.remaining() > XL_DELETE_SIZE) {
                    page.indexMultiDelete(RecordData.u16s(main, XL_DELETE_SIZE, RecordData.u16(main, 4),
                            "gistxlogDelete offsets"));
                }
                // PostgreSQL's redo also sets F_TUPLES_DELETED here, which gistprunepage on the primary does not
                // and nothing reads: the page is kept as the compute had it.
                GistPage.setFlags(page, GistPage.HAS_GARBAGE, false);
            }
            case PAGE_SPLIT -> {
                if (block.blockId() == 0) {
                    GistPage.clearFollowRight(page, rec.pageLsn());
                } else {
                    split(rec, block, page, RecordData.atLeast(main, XL_SPLIT_SIZE, "gistxlogPageSplit"));
                }
            }
            case PAGE_DELETE -> {
                RecordData.atLeast(main, XL_PAGE_DELETE_SIZE, "gistxlogPageDelete");
                switch (block.blockId()) {
                    case 0 -> {
                        if (!page.isEmpty()) {
                            throw new PageCorruptException("GiST page to delete still has " + page.maxOffset()
                                    + " tuples");
                        }
                        GistPage.setDeleted(page, main.getLong(0));
                    }
                    case 1 -> page.indexTupleDelete(RecordData.u16(main, 8));
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case PAGE_REUSE, ASSIGN_LSN -> throw new UnsupportedRedoException(rec, block, "GiST op code 0x"
                    + Integer.toHexString(info) + " changes no block, yet registers block id " + block.blockId());
            default -> throw new UnsupportedRedoException(rec, block, "unknown GiST op code 0x"
                    + Integer.toHexString(info));
        }
    }

    /**
     * The left child of PAGE_UPDATE (block 1) and PAGE_SPLIT (block 0) changes after its image was taken
     * (gistplacetopage sets the NSN and clears F_FOLLOW_RIGHT after XLogInsert), so redo applies the change over
     * a restored image too.
     */
    @Override
    public void afterImage(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        if ((info == PAGE_UPDATE && block.blockId() == 1) || (info == PAGE_SPLIT && block.blockId() == 0)) {
            GistPage.clearFollowRight(page, rec.pageLsn());
        }
    }

    /**
     * gistRedoPageUpdateRecord on block 0: one tuple replaced in place, or tuples deleted and others appended
     * after the last.
     */
    private static void update(BlockReference block, Page page, int ntodelete, int ntoinsert) {
        ByteBuffer data = block.data();
        int pos = 0;
        if (ntodelete == 1 && ntoinsert == 1) {
            int offnum = RecordData.u16(RecordData.atLeast(data, 2, "GiST update offset"), 0);
            List<byte[]> tuple = IndexTupleData.listInData(data, 2, data.remaining(), "GiST update tuple");
            if (tuple.size() != 1) {
                throw new PageCorruptException("GiST in-place update logs " + tuple.size() + " tuples, not 1");
            }
            page.indexTupleOverwrite(offnum, tuple.get(0), tuple.get(0).length);
            return;
        }
        if (ntodelete > 0) {
            page.indexMultiDelete(RecordData.u16s(data, 0, ntodelete, "GiST update offsets"));
            pos = 2 * ntodelete;
            if (GistPage.isLeaf(page)) {
                GistPage.setFlags(page, GistPage.TUPLES_DELETED, true);
            }
        }
        List<byte[]> tuples = IndexTupleData.listInData(data, pos, data.remaining(), "GiST update tuples");
        if (tuples.size() != ntoinsert) {
            throw new PageCorruptException("GiST update logs " + tuples.size() + " tuples to insert, its header "
                    + ntoinsert);
        }
        int off = page.isEmpty() ? 1 : page.maxOffset() + 1;
        for (byte[] t : tuples) {
            page.addItem(t, t.length, off++, false, false);
        }
    }

    /** gistRedoPageSplitRecord for one of the split's pages (block id i + 1 is its i-th page). */
    private static void split(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        long origRightlink = RecordData.u32(main, 0);
        long origNsn = main.getLong(8);
        boolean origLeaf = main.get(16) != 0;
        int npage = RecordData.u16(main, 18);
        boolean markFollowRight = main.get(20) != 0;
        int i = block.blockId() - 1;
        if (i >= npage) {
            throw RecordBlocks.unexpected(rec, block);
        }
        BlockReference first = rec.block(1);
        boolean rootSplit = first != null && first.blockNumber() == ROOT_BLOCK;
        long blkno = block.blockNumber();

        ByteBuffer data = RecordData.atLeast(block.data(), 4, "GiST split page data");
        int n = data.getInt(0);
        List<byte[]> tuples = IndexTupleData.listInData(data, 4, data.remaining(), "GiST split page tuples");
        if (tuples.size() != n) {
            throw new PageCorruptException("GiST split page logs " + tuples.size() + " tuples, its count " + n);
        }
        GistPage.init(page, origLeaf && blkno != ROOT_BLOCK ? GistPage.LEAF : 0);
        int off = 1;
        for (byte[] t : tuples) {
            page.addItem(t, t.length, off++, false, false);
        }
        boolean last = i == npage - 1;
        if (blkno == ROOT_BLOCK) {
            GistPage.setRightlink(page, ItemPointer.INVALID_BLOCK);
        } else if (last) {
            GistPage.setRightlink(page, origRightlink);
        } else {
            BlockReference next = rec.block(block.blockId() + 1);
            if (next == null) {
                throw new PageCorruptException("GiST split of " + npage + " pages registers no block id "
                        + (block.blockId() + 1));
            }
            GistPage.setRightlink(page, next.blockNumber());
        }
        GistPage.setNsn(page, origNsn);
        GistPage.setFlags(page, GistPage.FOLLOW_RIGHT, blkno != ROOT_BLOCK && !last && !rootSplit && markFollowRight);
    }

    /** gist_mask. */
    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        PageMasks.unusedSpace(page);
        GistPage.setNsn(page, PageMasks.MARKER);
        GistPage.setFlags(page, GistPage.FOLLOW_RIGHT, true);
        if (GistPage.isLeaf(page)) {
            PageMasks.lpFlags(page);
        }
        GistPage.setFlags(page, GistPage.HAS_GARBAGE, false);
    }
}
