package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.redo.page.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input for heap redo, from real records of stock PostgreSQL: a record meeting a page it was not made on
 * (an offset past the line pointers, a full page, an item that is not there) or an info code PostgreSQL 15
 * does not define is a RedoException naming the record, LSN, relation and block, never a silently wrong page.
 */
class HeapRedoErrorsTest {
    private static ConsistencyCheckedCluster cluster;
    private static final List<DecodedRecord> RECORDS = new ArrayList<>();

    @BeforeAll
    static void records() {
        cluster = ConsistencyCheckedCluster.start(false, Map.of());
        cluster.sql("CREATE TABLE e (id int, v text)");
        cluster.sql("INSERT INTO e SELECT g, 'row ' || g FROM generate_series(1, 50) g");
        cluster.sql("DELETE FROM e WHERE id = 7");
        cluster.records().stream().filter(r -> r.rmgr() == RmgrId.HEAP).forEach(RECORDS::add);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static DecodedRecord last(String type) {
        return RECORDS.stream().filter(r -> BlockRedo.recordType(r).equals(type)).reduce((a, b) -> b).orElseThrow();
    }

    private static Page emptyHeapPage() {
        Page p = Page.zeroed();
        p.init(0);
        p.setLsn(dev.cairn.common.Lsn.of(1));
        return p;
    }

    @Test
    void anInsertPastTheLinePointersIsRefusedWithItsContext() {
        DecodedRecord insert = last("Heap/INSERT");
        BlockReference b = insert.block(0);
        assertThatThrownBy(() -> BlockRedo.apply(insert, b, emptyHeapPage().bytes()))
                .isInstanceOf(RedoException.class)
                .hasMessageContaining("Heap/INSERT").hasMessageContaining(insert.lsn().toString())
                .hasMessageContaining("block " + b.blockNumber() + " of relation " + b.rel())
                .hasMessageContaining("invalid max offset number");
    }

    @Test
    void anInsertOnAFullPageIsRefused() {
        DecodedRecord insert = last("Heap/INSERT");
        BlockReference b = insert.block(0);
        Page full = emptyHeapPage();
        int offnum = insert.mainData().getShort(0) & 0xFFFF;
        byte[] filler = new byte[Page.SIZE];
        for (int i = 1; i < offnum; i++) { // line pointers up to the record's offset, then no room left
            full.addItem(filler, 24, i, false, true);
        }
        full.setUpper(full.lower() + 8);
        assertThatThrownBy(() -> BlockRedo.apply(insert, b, full.bytes()))
                .isInstanceOf(RedoException.class).hasMessageContaining("no room");
    }

    @Test
    void aDeleteOfAnItemThatIsNotThereIsRefused() {
        DecodedRecord delete = last("Heap/DELETE");
        assertThatThrownBy(() -> BlockRedo.apply(delete, delete.block(0), emptyHeapPage().bytes()))
                .isInstanceOf(RedoException.class).hasMessageContaining("Heap/DELETE")
                .hasMessageContaining("beyond the line pointer array");
    }

    @Test
    void anInfoCodeWithoutABlockChangeIsUnsupported() {
        DecodedRecord insert = last("Heap/INSERT");
        DecodedRecord truncate = insert.withHeader(insert.header().withInfo(0x30));
        assertThatThrownBy(() -> BlockRedo.apply(truncate, truncate.block(0), emptyHeapPage().bytes()))
                .isInstanceOf(UnsupportedRedoException.class).hasMessageContaining("changes no block");
    }

    @Test
    void aBlockWithoutAPreviousVersionIsRefusedUnlessTheRecordInitialisesIt() {
        DecodedRecord delete = last("Heap/DELETE");
        assertThatThrownBy(() -> BlockRedo.apply(delete, delete.block(0), null))
                .isInstanceOf(RedoException.class).hasMessageContaining("no previous version");
        DecodedRecord init = last("Heap/INSERT+INIT");
        assertThat(Page.wrap(BlockRedo.apply(init, init.block(0), null)).maxOffset()).isEqualTo(1);
    }
}
