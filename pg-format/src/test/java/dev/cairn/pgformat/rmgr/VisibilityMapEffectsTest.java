package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.TestRecords.Bytes;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import org.junit.jupiter.api.Test;

import static dev.cairn.pgformat.rmgr.VisibilityMapChange.ALL_FROZEN;
import static dev.cairn.pgformat.rmgr.VisibilityMapChange.ALL_VISIBLE;
import static dev.cairn.pgformat.rmgr.VisibilityMapChange.Op.CLEAR;
import static dev.cairn.pgformat.rmgr.VisibilityMapChange.Op.SET;
import static dev.cairn.pgformat.rmgr.VisibilityMapChange.VALID_BITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VisibilityMapEffectsTest {
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16384);
    private static final int HEAP = RmgrId.HEAP.id;
    private static final int HEAP2 = RmgrId.HEAP2.id;

    @Test
    void updateToAnotherPageClearsOldAndNew() {
        // flags: OLD_ALL_VISIBLE_CLEARED | NEW_ALL_VISIBLE_CLEARED; block 0 = new page 4, block 1 = old page 0
        byte[] data = new Bytes().u32(731).u16(5).u8(0).u8(0x03).u32(0).u16(102).toArray();
        var rec = TestRecords.record(HEAP, 0x20, 731, data, TestRecords.block(0, REL, 0, 4),
                TestRecords.block(1, REL, 0, 0));
        assertThat(VisibilityMapEffects.of(rec)).containsExactly(
                new VisibilityMapChange(CLEAR, REL, 0, VALID_BITS), new VisibilityMapChange(CLEAR, REL, 4, VALID_BITS));
        assertThat(RecordDescriber.describe(rec)).isEqualTo("UPDATE off 5 xmax 731 flags 0x03 ; new off 102 xmax 0");
    }

    @Test
    void hotUpdateOnOnePageClearsThatPage() {
        byte[] data = new Bytes().u32(731).u16(5).u8(0).u8(0x01).u32(0).u16(6).toArray();
        var rec = TestRecords.record(HEAP, 0x40, 731, data, TestRecords.block(0, REL, 0, 9));
        assertThat(VisibilityMapEffects.of(rec)).containsExactly(new VisibilityMapChange(CLEAR, REL, 9, VALID_BITS));
    }

    @Test
    void insertDeleteLockAndHeap2() {
        var insert = TestRecords.record(HEAP, 0x80, 1, new Bytes().u16(1).u8(0x01).toArray(),
                TestRecords.block(0, REL, 0, 70000));
        assertThat(VisibilityMapEffects.of(insert)).containsExactly(new VisibilityMapChange(CLEAR, REL, 70000, VALID_BITS));
        var deleteNoFlag = TestRecords.record(HEAP, 0x10, 1, new Bytes().u32(1).u16(1).u8(0).u8(0x04).toArray(),
                TestRecords.block(0, REL, 0, 2));
        assertThat(VisibilityMapEffects.of(deleteNoFlag)).isEmpty();
        var lock = TestRecords.record(HEAP, 0x60, 1, new Bytes().u32(1).u16(1).u8(0x03).u8(0x01).toArray(),
                TestRecords.block(0, REL, 0, 3));
        assertThat(VisibilityMapEffects.of(lock)).containsExactly(new VisibilityMapChange(CLEAR, REL, 3, ALL_FROZEN));
        assertThat(RecordDescriber.describe(lock)).isEqualTo("LOCK off 1: xid 1: flags 0x01 IS_MULTI LOCK_ONLY ");

        var multi = TestRecords.record(HEAP2, 0x50, 1, new Bytes().u8(0x01).u8(0).u16(2).u16(1).u16(2).toArray(),
                TestRecords.block(0, REL, 0, 11));
        assertThat(VisibilityMapEffects.of(multi)).containsExactly(new VisibilityMapChange(CLEAR, REL, 11, VALID_BITS));
        var lockUpdated = TestRecords.record(HEAP2, 0x60, 1, new Bytes().u32(1).u16(1).u8(0).u8(0x01).toArray(),
                TestRecords.block(0, REL, 0, 12));
        assertThat(VisibilityMapEffects.of(lockUpdated)).containsExactly(new VisibilityMapChange(CLEAR, REL, 12, ALL_FROZEN));
        var visible = TestRecords.record(HEAP2, 0x40, 0, new Bytes().u32(725).u8(0x01).toArray(),
                TestRecords.block(0, REL, 2, 0), TestRecords.block(1, REL, 0, 13));
        assertThat(VisibilityMapEffects.of(visible)).containsExactly(new VisibilityMapChange(SET, REL, 13, ALL_VISIBLE));
    }

    @Test
    void otherRecordsHaveNoEffect() {
        assertThat(VisibilityMapEffects.of(TestRecords.record(HEAP2, 0x10, 0, new byte[8]))).isEmpty();
        assertThat(VisibilityMapEffects.of(TestRecords.record(RmgrId.BTREE.id, 0, 0, new byte[0]))).isEmpty();
    }

    @Test
    void flagsWithoutTheirBlockOrShortDataAreBadPayload() {
        var noBlock = TestRecords.record(HEAP, 0x00, 1, new Bytes().u16(1).u8(0x01).toArray());
        assertThatThrownBy(() -> VisibilityMapEffects.of(noBlock)).isInstanceOfSatisfying(WalFormatException.class,
                e -> assertThat(e.reason()).isEqualTo(WalFormatException.Cause.BAD_PAYLOAD));
        var shortUpdate = TestRecords.record(HEAP, 0x20, 1, new byte[13], TestRecords.block(0, REL, 0, 1));
        assertThatThrownBy(() -> VisibilityMapEffects.of(shortUpdate)).isInstanceOf(WalFormatException.class)
                .hasMessageContaining("xl_heap_update");
    }

    @Test
    void vmAddressing() {
        // (8192 - 24) bytes * 4 heap blocks per byte per VM page
        assertThat(VisibilityMapChange.HEAPBLOCKS_PER_PAGE).isEqualTo(32672);
        var first = new VisibilityMapChange(CLEAR, REL, 5, VALID_BITS);
        assertThat(first.vmBlock()).isZero();
        assertThat(first.mapByte()).isEqualTo(1);
        assertThat(first.bitShift()).isEqualTo(2);
        var second = new VisibilityMapChange(CLEAR, REL, 32672 + 7, VALID_BITS);
        assertThat(second.vmBlock()).isEqualTo(1);
        assertThat(second.mapByte()).isEqualTo(1);
        assertThat(second.bitShift()).isEqualTo(6);
    }
}
