package dev.cairn.redo.btree;

import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The posting list routines against each other and against nbtdedup.c's invariants: an updated posting list is
 * the one formed from the surviving TIDs, a single survivor is a plain tuple, a posting list split keeps the
 * tuple's size and hands the list's last TID to the new item.
 */
class PostingsTest {
    /** An int4 leaf tuple as index_form_tuple makes it: t_tid, t_info = 16, the key, padding. */
    static IndexTuple intTuple(int key, long block, int offset) {
        IndexTuple t = IndexTuple.zeroed(16);
        t.setTidBlock(block);
        t.setTidOffset(offset);
        t.setInfo(16);
        t.bytes()[8] = (byte) key;
        t.bytes()[9] = (byte) (key >>> 8);
        return t;
    }

    static byte[] tids(long... blockAndOffset) {
        byte[] out = new byte[blockAndOffset.length / 2 * IndexTuple.TID_SIZE];
        for (int i = 0; i < blockAndOffset.length / 2; i++) {
            intTuple(0, blockAndOffset[2 * i], (int) blockAndOffset[2 * i + 1]).copyTidTo(out, i * IndexTuple.TID_SIZE);
        }
        return out;
    }

    private static final IndexTuple BASE = intTuple(42, 0, 1);
    private static final IndexTuple FIVE = Postings.form(BASE, tids(0, 1, 0, 7, 3, 2, 70000, 1, 70000, 9), 5);

    @Test
    void formedPostingListCarriesItsTidsAfterTheKey() {
        assertThat(FIVE.isPosting()).isTrue();
        assertThat(FIVE.isPivot()).isFalse();
        assertThat(FIVE.nPosting()).isEqualTo(5);
        assertThat(FIVE.postingOffset()).isEqualTo(16);
        assertThat(FIVE.size()).isEqualTo(48); // MAXALIGN(16 + 5 * 6)
        assertThat(FIVE.bytes()).hasSize(48);
        assertThat(FIVE.bytes()[8]).isEqualTo((byte) 42);
        assertThat(FIVE.bytes()[46]).isZero(); // palloc0 padding
    }

    @Test
    void updatedPostingListIsTheOneFormedFromTheSurvivors() {
        IndexTuple updated = Postings.update(FIVE, new int[] {1, 3});
        assertThat(updated.bytes()).isEqualTo(Postings.form(BASE, tids(0, 1, 3, 2, 70000, 9), 3).bytes());
    }

    @Test
    void aSingleSurvivorIsAPlainTuple() {
        IndexTuple updated = Postings.update(FIVE, new int[] {0, 1, 2, 4});
        assertThat(updated.isPosting()).isFalse();
        assertThat(updated.isPivot()).isFalse();
        assertThat(updated.bytes()).isEqualTo(intTuple(42, 70000, 1).bytes());
    }

    @Test
    void postingSplitInsertsTheNewTidAndHandsTheLastToTheNewItem() {
        IndexTuple newItem = intTuple(42, 1, 5);
        IndexTuple nposting = Postings.swap(newItem, FIVE, 2);
        assertThat(nposting.size()).isEqualTo(FIVE.size());
        assertThat(nposting.bytes()).isEqualTo(
                Postings.form(BASE, tids(0, 1, 0, 7, 1, 5, 3, 2, 70000, 1), 5).bytes());
        assertThat(newItem.bytes()).isEqualTo(intTuple(42, 70000, 9).bytes());
        assertThat(FIVE.bytes()).isEqualTo(Postings.form(BASE, tids(0, 1, 0, 7, 3, 2, 70000, 1, 70000, 9), 5)
                .bytes()); // the page's tuple is copied, not changed
    }

    @Test
    void postingSplitOutsideTheListIsRefused() {
        assertThatThrownBy(() -> Postings.swap(intTuple(42, 1, 5), FIVE, 5))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("posting list tuple with 5 items cannot be split at offset 5");
        assertThatThrownBy(() -> Postings.swap(intTuple(42, 1, 5), FIVE, 0))
                .isInstanceOf(PageCorruptException.class);
        assertThatThrownBy(() -> Postings.swap(intTuple(42, 1, 5), BASE, 1))
                .isInstanceOf(PageCorruptException.class)
                .hasMessageContaining("not a posting list");
    }

    @Test
    void deletionsMustBeAscendingPositionsThatLeaveSomething() {
        assertThatThrownBy(() -> Postings.update(FIVE, new int[] {3, 1}))
                .isInstanceOf(PageCorruptException.class)
                .hasMessageContaining("not ascending positions in a list of 5");
        assertThatThrownBy(() -> Postings.update(FIVE, new int[] {0, 1, 2, 3, 4}))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("cannot delete 5 TIDs from a posting list of 5 and keep some");
        assertThatThrownBy(() -> Postings.update(BASE, new int[] {0}))
                .isInstanceOf(PageCorruptException.class);
    }

    @Test
    void dedupStateMergesUpToTheSizeLimit() {
        DedupState state = new DedupState(48);
        state.startPending(intTuple(7, 0, 1), 2);
        for (int off = 2; off <= 5; off++) {
            assertThat(state.saveHtid(intTuple(7, 0, off))).isTrue();
        }
        assertThat(state.saveHtid(intTuple(7, 0, 6))).as("16 + 6 * 6 bytes exceed 48").isFalse();
        assertThat(state.nitems()).isEqualTo(5);
        Page page = Page.zeroed();
        BtreePage.init(page);
        state.finishPending(page);
        assertThat(state.intervals()).containsExactly(new DedupState.Interval(2, 5));
        assertThat(IndexTuple.read(page, 1).bytes())
                .isEqualTo(Postings.form(intTuple(7, 0, 1), tids(0, 1, 0, 2, 0, 3, 0, 4, 0, 5), 5).bytes());
    }
}
