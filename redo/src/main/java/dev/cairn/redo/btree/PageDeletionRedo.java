package dev.cairn.redo.btree;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;

/**
 * Page deletion, one block at a time. MARK_PAGE_HALFDEAD (btree_xlog_mark_page_halfdead) removes the subtree's
 * downlink from its parent (block 1) and rewrites the leaf (block 0) as half-dead. UNLINK_PAGE[_META]
 * (btree_xlog_unlink_page) rewrites the target (block 0) as deleted, relinks its left (block 1) and right
 * (block 2) siblings, rewrites the half-dead leaf (block 3) when the target is an internal page above it, and
 * for _META rebuilds the metapage (block 4).
 */
final class PageDeletionRedo {
    /** SizeOfBtreeMarkPageHalfDead: poffset, then leafblk, leftblk, rightblk, topparent (uint32, aligned). */
    static final int XL_HALFDEAD_SIZE = 20;
    /**
     * SizeOfBtreeUnlinkPage: leftsib, rightsib, level, then safexid (a FullTransactionId, aligned to 8), then
     * leafleftsib, leafrightsib, leaftopparent.
     */
    static final int XL_UNLINK_SIZE = 36;

    private PageDeletionRedo() {
    }

    static void markHalfDead(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = RecordData.atLeast(rec.mainData(), XL_HALFDEAD_SIZE, "xl_btree_mark_page_halfdead");
        int poffset = RecordData.u16(main, 0);
        switch (block.blockId()) {
            case 0 -> halfDeadLeaf(page, RecordData.u32(main, 8), RecordData.u32(main, 12),
                    RecordData.u32(main, 16));
            case 1 -> {
                // the parent: the pivot at poffset takes over its right neighbour's downlink, which goes
                int next = poffset + 1;
                long rightSib = IndexTuple.read(page, next).tidBlock();
                int at = page.itemStart(poffset);
                IndexTuple pivot = IndexTuple.read(page, poffset);
                pivot.setTidBlock(rightSib);
                page.copyIn(at, pivot.bytes(), 0, IndexTuple.TID_SIZE);
                page.indexTupleDelete(next);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** A half-dead leaf: no items but a dummy high key that points at the top parent of the subtree. */
    private static void halfDeadLeaf(Page page, long left, long right, long topParent) {
        BtreePage.init(page).set(left, right, 0, BtreePage.HALF_DEAD | BtreePage.LEAF);
        IndexTuple hikey = IndexTuple.topParentHighKey(topParent);
        page.addItem(hikey.bytes(), IndexTuple.HEADER_SIZE, BtreePage.HIKEY, false, false);
    }

    static void unlink(DecodedRecord rec, BlockReference block, Page page, boolean meta) {
        ByteBuffer main = RecordData.atLeast(rec.mainData(), XL_UNLINK_SIZE, "xl_btree_unlink_page");
        long leftSib = RecordData.u32(main, 0);
        long rightSib = RecordData.u32(main, 4);
        long level = RecordData.u32(main, 8);
        long safeXid = main.getLong(16);
        switch (block.blockId()) {
            case 0 -> {
                BtreePage target = BtreePage.init(page);
                target.set(leftSib, rightSib, level, 0);
                target.setDeleted(safeXid);
                if (level == 0) {
                    target.setFlags(target.flags() | BtreePage.LEAF);
                }
            }
            case 1 -> {
                if (leftSib == BtreePage.NONE) {
                    throw new PageCorruptException("unlink of a leftmost page registers a left sibling (block 1)");
                }
                BtreePage.of(page).setNext(rightSib);
            }
            case 2 -> BtreePage.of(page).setPrev(leftSib);
            case 3 -> {
                if (level == 0) {
                    throw new PageCorruptException("unlink of a leaf registers another half-dead leaf (block 3)");
                }
                halfDeadLeaf(page, RecordData.u32(main, 24), RecordData.u32(main, 28), RecordData.u32(main, 32));
            }
            case 4 -> {
                if (!meta) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                BtreeMeta.restore(page, block.blockNumber(), block.data());
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }
}
