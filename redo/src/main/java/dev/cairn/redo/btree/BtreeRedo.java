package dev.cairn.redo.btree;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;

/**
 * The btree resource manager's redo (nbtxlog.c btree_redo), one registered block at a time: each block's change
 * depends only on the record and that block's previous version, as PostgreSQL's code for that block id does.
 * Inserts (with the child whose split a downlink completes, and the metapage), splits, posting list splits,
 * deduplication, vacuum and index deletion, page deletion, new roots and metapage cleanup. REUSE_PAGE changes
 * no block.
 */
public final class BtreeRedo implements RmgrRedo {
    static final int INSERT_LEAF = 0x00;
    static final int INSERT_UPPER = 0x10;
    static final int INSERT_META = 0x20;
    static final int SPLIT_L = 0x30;
    static final int SPLIT_R = 0x40;
    static final int INSERT_POST = 0x50;
    static final int DEDUP = 0x60;
    static final int DELETE = 0x70;
    static final int UNLINK_PAGE = 0x80;
    static final int UNLINK_PAGE_META = 0x90;
    static final int NEWROOT = 0xA0;
    static final int MARK_PAGE_HALFDEAD = 0xB0;
    static final int VACUUM = 0xC0;
    static final int REUSE_PAGE = 0xD0;
    static final int META_CLEANUP = 0xE0;

    /** SizeOfBtreeInsert: offnum. */
    static final int XL_INSERT_SIZE = 2;
    /** SizeOfBtreeNewroot: rootblk, level. */
    static final int XL_NEWROOT_SIZE = 8;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        switch (info) {
            case INSERT_LEAF -> insert(rec, block, page, true, false, false);
            case INSERT_UPPER -> insert(rec, block, page, false, false, false);
            case INSERT_META -> insert(rec, block, page, false, true, false);
            case INSERT_POST -> insert(rec, block, page, true, false, true);
            case SPLIT_L -> SplitRedo.redo(rec, block, page, true);
            case SPLIT_R -> SplitRedo.redo(rec, block, page, false);
            case DEDUP -> DedupRedo.redo(rec, block, page);
            case VACUUM -> DeleteRedo.vacuum(rec, block, page);
            case DELETE -> DeleteRedo.delete(rec, block, page);
            case MARK_PAGE_HALFDEAD -> PageDeletionRedo.markHalfDead(rec, block, page);
            case UNLINK_PAGE -> PageDeletionRedo.unlink(rec, block, page, false);
            case UNLINK_PAGE_META -> PageDeletionRedo.unlink(rec, block, page, true);
            case NEWROOT -> newRoot(rec, block, page);
            case META_CLEANUP -> {
                if (block.blockId() != 0) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                BtreeMeta.restore(page, block.blockNumber(), block.data());
            }
            case REUSE_PAGE -> throw new UnsupportedRedoException(rec, block,
                    "btree REUSE_PAGE changes no block, yet registers block id " + block.blockId());
            default -> throw new UnsupportedRedoException(rec, block, "unknown btree op code 0x"
                    + Integer.toHexString(info));
        }
    }

    @Override
    public void mask(Page page, long blockNumber) {
        BtreeMask.mask(page);
    }

    /**
     * _bt_clear_incomplete_split: the child whose right sibling's downlink the record inserts is no longer
     * incompletely split.
     */
    static void clearIncompleteSplit(Page page, BlockReference block) {
        BtreePage opaque = BtreePage.of(page);
        if ((opaque.flags() & BtreePage.INCOMPLETE_SPLIT) == 0) {
            throw new PageCorruptException("child block " + block.blockNumber()
                    + " whose split the record completes is not marked INCOMPLETE_SPLIT (flags 0x"
                    + Integer.toHexString(opaque.flags()) + ")");
        }
        opaque.clearFlags(BtreePage.INCOMPLETE_SPLIT);
    }

    /**
     * btree_xlog_insert. Block 0 gets the new tuple (for INSERT_POST after the posting list split it causes);
     * on an internal page block 1 is the child whose split the downlink completes; INSERT_META rebuilds the
     * metapage (block 2).
     */
    private static void insert(DecodedRecord rec, BlockReference block, Page page, boolean leaf, boolean meta,
                               boolean posting) {
        switch (block.blockId()) {
            case 0 -> {
                int offnum = RecordData.u16(RecordData.atLeast(rec.mainData(), XL_INSERT_SIZE, "xl_btree_insert"),
                        0);
                if (posting) {
                    insertWithPostingSplit(block.data(), page, offnum);
                } else {
                    ByteBuffer data = RecordData.atLeast(block.data(), IndexTuple.HEADER_SIZE, "inserted tuple");
                    byte[] item = new byte[data.remaining()];
                    data.get(0, item);
                    page.addItem(item, item.length, offnum, false, false);
                }
            }
            case 1 -> {
                if (leaf) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                clearIncompleteSplit(page, block);
            }
            case 2 -> {
                if (!meta) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                BtreeMeta.restore(page, block.blockNumber(), block.data());
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * INSERT_POST: the data is the posting list split offset and the original new item. The posting list
     * before {@code offnum} takes the new item's TID; the new item takes the list's last TID and is inserted.
     */
    private static void insertWithPostingSplit(ByteBuffer data, Page page, int offnum) {
        RecordData.atLeast(data, 2 + IndexTuple.HEADER_SIZE, "INSERT_POST data");
        int postingOff = RecordData.u16(data, 0);
        int itemLen = data.remaining() - 2;
        IndexTuple newItem = IndexTuple.fromData(data, 2, itemLen, "INSERT_POST new item");
        if (newItem.size() != itemLen) {
            throw new PageCorruptException("INSERT_POST new item has size " + newItem.size() + " but "
                    + itemLen + " bytes were logged");
        }
        int opostingOff = offnum - 1;
        IndexTuple oposting = IndexTuple.read(page, opostingOff);
        IndexTuple nposting = Postings.swap(newItem, oposting, postingOff);
        int len = Page.maxAlign(nposting.size());
        if (len > Page.maxAlign(page.itemLength(opostingOff))) {
            throw new PageCorruptException("posting list at offset " + opostingOff + " grew from "
                    + page.itemLength(opostingOff) + " to " + len + " bytes in a posting list split");
        }
        page.copyIn(page.itemStart(opostingOff), nposting.bytes(), 0, len);
        page.addItem(newItem.bytes(), itemLen, offnum, false, false);
    }

    /**
     * btree_xlog_newroot: block 0 becomes the root (a leaf when the index was empty, else rebuilt from its
     * logged tuples), block 1 is the left child whose split it completes, block 2 the metapage.
     */
    private static void newRoot(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = RecordData.atLeast(rec.mainData(), XL_NEWROOT_SIZE, "xl_btree_newroot");
        long level = RecordData.u32(main, 4);
        switch (block.blockId()) {
            case 0 -> {
                BtreePage.init(page).set(BtreePage.NONE, BtreePage.NONE, level,
                        BtreePage.ROOT | (level == 0 ? BtreePage.LEAF : 0));
                if (level > 0) {
                    PageRestore.restore(page, block.data(), "new root");
                }
            }
            case 1 -> {
                if (level == 0) {
                    throw new PageCorruptException("a new leaf root has no child (block 1)");
                }
                clearIncompleteSplit(page, block);
            }
            case 2 -> BtreeMeta.restore(page, block.blockNumber(), block.data());
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }
}
