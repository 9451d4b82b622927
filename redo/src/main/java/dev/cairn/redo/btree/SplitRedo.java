package dev.cairn.redo.btree;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;

/**
 * btree_xlog_split, one block at a time: SPLIT_L and SPLIT_R (the new item went to the left or the right page).
 * Block 0 is the original page, rebuilt as the left half; block 1 the new right page, rebuilt from its logged
 * tuple space; block 2 the old right sibling, whose left link now points at the new page. Block 3, for a split
 * of an internal page, is the child whose split the new item's downlink completes.
 */
final class SplitRedo {
    /** SizeOfBtreeSplit: level (uint32), firstrightoff, newitemoff, postingoff (uint16 each). */
    static final int XL_SPLIT_SIZE = 10;

    private final long level;
    private final int firstRightOff;
    private final int newItemOff;
    private final int postingOff;
    private final boolean newItemOnLeft;

    private SplitRedo(ByteBuffer main, boolean newItemOnLeft) {
        RecordData.atLeast(main, XL_SPLIT_SIZE, "xl_btree_split");
        this.level = RecordData.u32(main, 0);
        this.firstRightOff = RecordData.u16(main, 4);
        this.newItemOff = RecordData.u16(main, 6);
        this.postingOff = RecordData.u16(main, 8);
        this.newItemOnLeft = newItemOnLeft;
    }

    static void redo(DecodedRecord rec, BlockReference block, Page page, boolean newItemOnLeft) {
        SplitRedo split = new SplitRedo(rec.mainData(), newItemOnLeft);
        switch (block.blockId()) {
            case 0 -> split.left(rec, block, page);
            case 1 -> split.right(rec, block, page);
            case 2 -> BtreePage.of(page).setPrev(required(rec, 1).blockNumber());
            case 3 -> {
                if (split.isLeaf()) {
                    throw new PageCorruptException("a leaf split has no child whose split it completes (block 3)");
                }
                BtreeRedo.clearIncompleteSplit(page, block);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    private boolean isLeaf() {
        return level == 0;
    }

    private static BlockReference required(DecodedRecord rec, int blockId) {
        BlockReference b = rec.block(blockId);
        if (b == null) {
            throw new PageCorruptException("split record has no block " + blockId);
        }
        return b;
    }

    /** The new right page: its links, level and flags, then its tuples from the block data. */
    private void right(DecodedRecord rec, BlockReference block, Page page) {
        long origPage = required(rec, 0).blockNumber();
        BlockReference sibling = rec.block(2);
        long spage = sibling == null ? BtreePage.NONE : sibling.blockNumber();
        BtreePage opaque = BtreePage.init(page);
        opaque.set(origPage, spage, level, isLeaf() ? BtreePage.LEAF : 0);
        PageRestore.restore(page, block.data(), "right page of split");
    }

    /**
     * The left page: on an empty copy of its special space, the logged high key, then the original items
     * before the first one that moved right, with the new item (and the replacement for the posting list it
     * split) where they belong.
     */
    private void left(DecodedRecord rec, BlockReference block, Page page) {
        long rightPage = required(rec, 1).blockNumber();
        ByteBuffer data = block.data();
        int pos = 0;
        IndexTuple newItem = null;
        int newItemSize = 0;
        IndexTuple nposting = null;
        int replacePostingOff = 0;
        if (newItemOnLeft || postingOff != 0) {
            newItemSize = Page.maxAlign(IndexTupleData.sizeInData(data, pos, "split new item"));
            newItem = IndexTuple.fromData(data, pos, newItemSize, "split new item");
            pos += newItemSize;
            if (postingOff != 0) {
                replacePostingOff = newItemOff - 1;
                IndexTuple oposting = IndexTuple.read(page, replacePostingOff);
                nposting = Postings.swap(newItem, oposting, postingOff);
            }
        }
        int hikeySize = Page.maxAlign(IndexTupleData.sizeInData(data, pos, "split left high key"));
        IndexTuple hikey = IndexTuple.fromData(data, pos, hikeySize, "split left high key");
        pos += hikeySize;
        if (pos != data.remaining()) {
            throw new PageCorruptException("split left page data is " + data.remaining() + " bytes, but its tuples "
                    + "take " + pos);
        }

        BtreePage origOpaque = BtreePage.of(page);
        Page left = page.tempCopySpecial();
        left.addItem(hikey.bytes(), hikeySize, BtreePage.HIKEY, false, false);
        int leftOff = BtreePage.HIKEY + 1;
        int off;
        for (off = origOpaque.firstDataKey(); off < firstRightOff; off++) {
            if (off == replacePostingOff) {
                left.addItem(nposting.bytes(), Page.maxAlign(nposting.size()), leftOff++, false, false);
                continue;
            } else if (newItemOnLeft && off == newItemOff) {
                left.addItem(newItem.bytes(), newItemSize, leftOff++, false, false);
            }
            byte[] item = IndexTuple.itemBytes(page, off);
            left.addItem(item, item.length, leftOff++, false, false);
        }
        if (newItemOnLeft && off == newItemOff) {
            left.addItem(newItem.bytes(), newItemSize, leftOff, false, false);
        }
        page.restoreTempPage(left);

        BtreePage opaque = BtreePage.of(page);
        opaque.setFlags(BtreePage.INCOMPLETE_SPLIT | (isLeaf() ? BtreePage.LEAF : 0));
        opaque.setNext(rightPage);
        opaque.setCycleId(0);
    }
}
