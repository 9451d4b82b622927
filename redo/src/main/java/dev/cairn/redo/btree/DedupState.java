package dev.cairn.redo.btree;

import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.util.ArrayList;
import java.util.List;

/**
 * nbtdedup.c's pending posting list (BTDedupStateData, as redo uses it): a base tuple and the heap TIDs of the
 * consecutive items merged into it so far, written to the new page as one tuple when the interval ends
 * (_bt_dedup_start_pending, _bt_dedup_save_htid, _bt_dedup_finish_pending). Each posting list written is an
 * interval: the base item's offset and how many items it absorbed.
 */
final class DedupState {
    /** A run of {@code nitems} items starting at {@code baseOff} that became one posting list tuple. */
    record Interval(int baseOff, int nitems) {
    }

    private final int maxPostingSize;
    private final byte[] htids;
    private IndexTuple base;
    private int baseOff;
    private int baseTupSize;
    private int nhtids;
    private int nitems;
    private final List<Interval> intervals = new ArrayList<>();

    /** @param maxPostingSize the largest posting list tuple a merge may produce, in bytes */
    DedupState(int maxPostingSize) {
        this.maxPostingSize = maxPostingSize;
        this.htids = new byte[maxPostingSize];
    }

    /** _bt_dedup_start_pending: {@code base}, at {@code baseOff} on the old page, starts a pending list. */
    void startPending(IndexTuple base, int baseOff) {
        if (base.isPivot()) {
            throw new PageCorruptException("deduplication met a pivot tuple at offset " + baseOff);
        }
        if (base.isPosting()) {
            int n = base.nPosting();
            int bytes = n * IndexTuple.TID_SIZE;
            if (bytes > htids.length) {
                throw new PageCorruptException("posting list of " + n + " TIDs at offset " + baseOff
                        + " is larger than a posting list may be (" + maxPostingSize + " bytes)");
            }
            if (n > 0) {
                System.arraycopy(base.bytes(), base.postingTid(0), htids, 0, bytes);
            }
            nhtids = n;
            baseTupSize = base.postingOffset();
        } else {
            base.copyTidTo(htids, 0);
            nhtids = 1;
            baseTupSize = base.size();
        }
        nitems = 1;
        this.base = base;
        this.baseOff = baseOff;
    }

    /**
     * _bt_dedup_save_htid: adds {@code itup}'s heap TID(s) to the pending list unless the merged tuple would
     * exceed the size limit.
     *
     * @return true if the TIDs were added
     */
    boolean saveHtid(IndexTuple itup) {
        if (itup.isPivot()) {
            throw new PageCorruptException("deduplication met a pivot tuple");
        }
        int n = itup.isPosting() ? itup.nPosting() : 1;
        int merged = Page.maxAlign(baseTupSize + (nhtids + n) * IndexTuple.TID_SIZE);
        if (merged > maxPostingSize) {
            return false;
        }
        if (itup.isPosting()) {
            if (n > 0) {
                System.arraycopy(itup.bytes(), itup.postingTid(0), htids, nhtids * IndexTuple.TID_SIZE,
                        n * IndexTuple.TID_SIZE);
            }
        } else {
            itup.copyTidTo(htids, nhtids * IndexTuple.TID_SIZE);
        }
        nhtids += n;
        nitems++;
        return true;
    }

    /**
     * _bt_dedup_finish_pending: appends the pending list to {@code newPage}, the base tuple unchanged when
     * nothing was merged into it, else a new posting list tuple (an interval).
     */
    void finishPending(Page newPage) {
        if (nitems == 0) {
            throw new PageCorruptException("deduplication has no pending item to finish");
        }
        int tupOff = newPage.maxOffset() + 1;
        if (nitems == 1) {
            newPage.addItem(base.bytes(), base.size(), tupOff, false, false);
        } else {
            IndexTuple fin = Postings.form(base, htids, nhtids);
            newPage.addItem(fin.bytes(), fin.size(), tupOff, false, false);
            intervals.add(new Interval(baseOff, nitems));
        }
        nhtids = 0;
        nitems = 0;
    }

    /** Offset of the pending list's base item on the old page. */
    int baseOff() {
        return baseOff;
    }

    /** Items in the pending list. */
    int nitems() {
        return nitems;
    }

    /** Posting lists written so far. */
    List<Interval> intervals() {
        return intervals;
    }
}
