package dev.cairn.redo.fsm;

import dev.cairn.redo.page.Page;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The FSM page routines against freespace.c's arithmetic and fsmpage.c's invariants (FreeSpaceMapRedoTest in the
 * pageserver compares whole maps with PostgreSQL's recovery).
 */
class FreeSpaceMapPageTest {
    /** Byte offset of the root node: after the page header and fp_next_slot. */
    private static final int ROOT = Page.HEADER_SIZE + 4;

    @Test
    void categoriesAreFreeSpaceIn32ByteStepsWith255ForAPageThatTakesTheLargestTuple() {
        assertThat(FreeSpaceMapPage.category(0)).isZero();
        assertThat(FreeSpaceMapPage.category(31)).isZero();
        assertThat(FreeSpaceMapPage.category(32)).isEqualTo(1);
        assertThat(FreeSpaceMapPage.category(1637)).isEqualTo(51);
        assertThat(FreeSpaceMapPage.category(8159)).isEqualTo(254);
        assertThat(FreeSpaceMapPage.category(8160)).isEqualTo(255);
    }

    @Test
    void leafPagesAreLaidOutDepthFirstAfterTheirUpperLevelPages() {
        assertThat(FreeSpaceMapPage.SLOTS_PER_PAGE).isEqualTo(4069);
        // root at 0, first level-1 page at 1, then its leaves from 2
        assertThat(FreeSpaceMapPage.blockOf(0)).isEqualTo(2);
        assertThat(FreeSpaceMapPage.blockOf(4068)).isEqualTo(2);
        assertThat(FreeSpaceMapPage.blockOf(4069)).isEqualTo(3);
        assertThat(FreeSpaceMapPage.slotOf(4069)).isZero();
        // the 4070th leaf page follows the second level-1 page
        assertThat(FreeSpaceMapPage.physicalBlockOfLeafPage(4068)).isEqualTo(4070);
        assertThat(FreeSpaceMapPage.physicalBlockOfLeafPage(4069)).isEqualTo(4072);
    }

    @Test
    void settingASlotInitialisesANewPageAndCarriesTheMaximumToTheRoot() {
        byte[] page = new byte[Page.SIZE];
        assertThat(FreeSpaceMapPage.setAvail(page, 10, 0)).as("0 on a new page changes nothing").isFalse();
        assertThat(FreeSpaceMapPage.setAvail(page, 10, 40)).isTrue();
        assertThat(Page.wrap(page).isNew()).isFalse();
        assertThat(page[ROOT] & 0xFF).isEqualTo(40);
        assertThat(FreeSpaceMapPage.setAvail(page, 4000, 200)).isTrue();
        assertThat(page[ROOT] & 0xFF).isEqualTo(200);
        assertThat(FreeSpaceMapPage.setAvail(page, 4000, 200)).as("unchanged").isFalse();
        assertThat(FreeSpaceMapPage.setAvail(page, 4000, 5)).isTrue();
        assertThat(page[ROOT] & 0xFF).as("the next largest slot").isEqualTo(40);
        assertThat(FreeSpaceMapPage.avail(page, 4000)).isEqualTo(5);
    }

    @Test
    void aTreeWhoseRootIsBelowALeafIsRebuilt() {
        byte[] page = new byte[Page.SIZE];
        FreeSpaceMapPage.setAvail(page, 1, 100);
        FreeSpaceMapPage.setAvail(page, 3000, 90);
        page[ROOT] = 0; // damaged upper node: fsm_set_avail's sanity check rebuilds the tree
        assertThat(FreeSpaceMapPage.setAvail(page, 7, 60)).isTrue();
        assertThat(page[ROOT] & 0xFF).isEqualTo(100);
    }

    @Test
    void truncationClearsTheSlotsOfRemovedBlocks() {
        byte[] page = new byte[Page.SIZE];
        FreeSpaceMapPage.setAvail(page, 5, 30);
        FreeSpaceMapPage.setAvail(page, 2000, 250);
        assertThat(FreeSpaceMapPage.truncateAvail(page, 1000)).isTrue();
        assertThat(FreeSpaceMapPage.avail(page, 2000)).isZero();
        assertThat(FreeSpaceMapPage.avail(page, 5)).isEqualTo(30);
        assertThat(page[ROOT] & 0xFF).isEqualTo(30);
        assertThat(FreeSpaceMapPage.truncateAvail(page, 1000)).as("nothing left to clear").isFalse();
        assertThat(FreeSpaceMapPage.truncateAvail(new byte[Page.SIZE], 1)).as("a new page is initialised").isTrue();
        assertThatThrownBy(() -> FreeSpaceMapPage.setAvail(page, FreeSpaceMapPage.SLOTS_PER_PAGE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
