package dev.cairn.redo.btree;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * btree_xlog_dedup: a leaf page deduplicated. The record names the intervals (base offset, item count) that
 * became posting lists; the page is rebuilt on an empty copy of its special space by running the same pending
 * posting list logic over its items, merging exactly those intervals.
 */
final class DedupRedo {
    /** SizeOfBtreeDedup: nintervals. */
    static final int XL_DEDUP_SIZE = 2;
    /** sizeof(BTDedupInterval): baseoff, nitems. */
    static final int INTERVAL_SIZE = 4;
    /**
     * BTMaxItemSize for an 8 KB page: redo merges up to this size, more than the primary allows, so that a
     * logged interval always fits.
     */
    static final int MAX_ITEM_SIZE = ((Page.SIZE
            - Page.maxAlign(Page.HEADER_SIZE + 3 * Page.ITEM_ID_SIZE + 3 * IndexTuple.TID_SIZE)
            - Page.maxAlign(BtreePage.OPAQUE_SIZE)) / 3) & ~7;

    private DedupRedo() {
    }

    static void redo(DecodedRecord rec, BlockReference block, Page page) {
        if (block.blockId() != 0) {
            throw RecordBlocks.unexpected(rec, block);
        }
        int nintervals = RecordData.u16(RecordData.atLeast(rec.mainData(), XL_DEDUP_SIZE, "xl_btree_dedup"), 0);
        ByteBuffer data = block.data();
        if (data.remaining() < nintervals * INTERVAL_SIZE) {
            throw new PageCorruptException("dedup record of " + nintervals + " intervals carries "
                    + data.remaining() + " bytes of them");
        }
        int[] baseOffs = new int[nintervals];
        int[] counts = new int[nintervals];
        for (int i = 0; i < nintervals; i++) {
            baseOffs[i] = RecordData.u16(data, i * INTERVAL_SIZE);
            counts[i] = RecordData.u16(data, i * INTERVAL_SIZE + 2);
        }

        BtreePage opaque = BtreePage.of(page);
        int minOff = opaque.firstDataKey();
        int maxOff = page.maxOffset();
        if (minOff > maxOff) {
            throw new PageCorruptException("dedup of a page with no data items (" + maxOff + " items)");
        }
        DedupState state = new DedupState(MAX_ITEM_SIZE);
        Page newPage = page.tempCopySpecial();
        if (!opaque.isRightmost()) {
            byte[] hikey = IndexTuple.itemBytes(page, BtreePage.HIKEY);
            newPage.addItem(hikey, hikey.length, BtreePage.HIKEY, false, false);
        }
        for (int off = minOff; off <= maxOff; off++) {
            IndexTuple itup = IndexTuple.read(page, off);
            int done = state.intervals().size();
            if (off == minOff) {
                state.startPending(itup, off);
            } else if (done < nintervals && state.baseOff() == baseOffs[done] && state.nitems() < counts[done]) {
                if (!state.saveHtid(itup)) {
                    throw new PageCorruptException("deduplication failed to add heap TIDs of offset " + off
                            + " to the posting list at " + state.baseOff());
                }
            } else {
                state.finishPending(newPage);
                state.startPending(itup, off);
            }
        }
        state.finishPending(newPage);

        List<DedupState.Interval> logged = new ArrayList<>();
        for (int i = 0; i < nintervals; i++) {
            logged.add(new DedupState.Interval(baseOffs[i], counts[i]));
        }
        if (!state.intervals().equals(logged)) {
            throw new PageCorruptException("deduplication of " + (maxOff - minOff + 1) + " items made intervals "
                    + state.intervals() + ", the record logged " + logged);
        }
        BtreePage.of(newPage).clearFlags(BtreePage.HAS_GARBAGE);
        page.restoreTempPage(newPage);
    }
}
