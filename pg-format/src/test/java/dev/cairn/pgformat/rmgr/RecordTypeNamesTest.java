package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecordTypeNamesTest {
    @Test
    void namesAsPgWaldumpPrintsThem() {
        assertThat(RecordTypeNames.display(RmgrId.HEAP.id, 0x00)).isEqualTo("INSERT");
        assertThat(RecordTypeNames.display(RmgrId.HEAP.id, 0x80)).isEqualTo("INSERT+INIT");
        assertThat(RecordTypeNames.display(RmgrId.HEAP.id, 0x50)).isEqualTo("HEAP_CONFIRM");
        assertThat(RecordTypeNames.display(RmgrId.HEAP2.id, 0xD0)).isEqualTo("MULTI_INSERT+INIT");
        assertThat(RecordTypeNames.display(RmgrId.XACT.id, 0x80)).as("HAS_INFO is not a type bit").isEqualTo("COMMIT");
        assertThat(RecordTypeNames.display(RmgrId.XACT.id, 0xB0)).isEqualTo("COMMIT_PREPARED");
        assertThat(RecordTypeNames.display(RmgrId.XLOG.id, 0x0B)).as("low bits are not the rmgr's")
                .isEqualTo("CHECKPOINT_SHUTDOWN");
        assertThat(RecordTypeNames.display(RmgrId.BTREE.id, 0x00)).isEqualTo("INSERT_LEAF");
        assertThat(RecordTypeNames.display(RmgrId.GENERIC.id, 0x30)).isEqualTo("Generic");
    }

    @Test
    void unknownTypesAndRmgrs() {
        assertThat(RecordTypeNames.nameOrNull(RmgrId.XLOG.id, 0xC0)).isNull();
        assertThat(RecordTypeNames.display(RmgrId.XLOG.id, 0xC0)).isEqualTo("UNKNOWN (c0)");
        assertThat(RecordTypeNames.display(200, 0x10)).isEqualTo("UNKNOWN (10)");
    }

    @Test
    void everyBuiltinRmgrHasItsFirstTypeNamed() {
        for (RmgrId r : RmgrId.values()) {
            boolean any = false;
            for (int info = 0; info < 256; info += 16) {
                any |= RecordTypeNames.nameOrNull(r.id, info) != null;
            }
            assertThat(any).as(r.pgName).isTrue();
        }
    }
}
