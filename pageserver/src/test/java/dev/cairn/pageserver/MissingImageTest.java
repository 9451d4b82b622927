package dev.cairn.pageserver;

import dev.cairn.common.Id128;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestException;
import dev.cairn.pageserver.ingest.IngestOptions;
import dev.cairn.pageserver.ingest.MissingImageException;
import dev.cairn.pageserver.ingest.RedoObserver;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every built-in resource manager that changes blocks has Java redo, so a compute writes no page images; the
 * missing-image path is left as the never-silent guard for a record nobody here can apply. An operator may let
 * ingest skip an extension's custom resource manager (its records change nothing Cairn stores), but if such a
 * record registers a block without its image, ingest stops there, loudly, naming the rmgr, and stores nothing
 * of it — never a stale page. The record is a real heap insert of stock PostgreSQL whose rmgr id is rewritten
 * to a custom one.
 */
class MissingImageTest {
    private static final int CUSTOM_RMGR = 130;

    @Test
    void ingestStopsAtABlockChangeNobodyCanRedo() {
        Path scratch = Computes.scratch("cairn-missing-image");
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        try (PageStore store = PageStore.open(scratch.resolve("pageserver"), AesGcmValueCipher.random(1))) {
            PgCluster pg = Computes.initdb(scratch);
            Lsn start = DataDirImport.run(store, tl, pg.dataDir()).lsn();
            try (pg) {
                pg.start(Map.of("fsync", "off", "full_page_writes", "off"));
                pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text)");
                pg.psql("CREATE INDEX t_hash ON t USING hash (id)");
                pg.psql("INSERT INTO t VALUES (1, 'first')");
                pg.psql("INSERT INTO t VALUES (2, 'second')");
                pg.stop("fast");
            }
            List<DecodedRecord> records = new ArrayList<>();
            try (WalReader reader = WalReader.open(WalReader.listSegments(pg.walDir()), start, null)) {
                for (DecodedRecord r = reader.nextUntilEndOfWal(); r != null; r = reader.nextUntilEndOfWal()) {
                    records.add(r);
                }
            }
            int last = records.size() - 1;
            while (records.get(last).rmgr() != RmgrId.HEAP || records.get(last).blocks().isEmpty()) {
                last--;
            }
            int planted = last;
            DecodedRecord heap = records.get(planted);
            records.set(planted, heap.withHeader(heap.header().withRmid(CUSTOM_RMGR)));
            Ingest ingest = new Ingest(store, tl, new IngestOptions(Set.of(CUSTOM_RMGR), false, RedoObserver.NONE));
            MissingImageException e = catchThrowableOfType(MissingImageException.class, () -> ingest.apply(records));
            assertThat(e).isNotNull();
            System.out.println("ingest refused as expected: " + e.getMessage());
            assertThat(e.getMessage()).contains(tl.toString()).contains("without a page image")
                    .contains("custom resource manager");
            assertThat(e.rmgr()).isEqualTo(RmgrId.nameOf(CUSTOM_RMGR));
            assertThat(e.lsn()).isEqualTo(records.get(planted).lsn());
            // everything before it was stored (hash index records included, redone without images), nothing of it
            Lsn stoppedAt = ingest.position().end();
            assertThat(stoppedAt).isEqualTo(records.get(planted - 1).endLsn());
            assertThat(new Timeline(store, tl).position().end()).isEqualTo(stoppedAt);
            assertThatThrownBy(() -> ingest.apply(records.get(planted)))
                    .isInstanceOf(IngestException.class).hasMessageContaining("stopped earlier");
        } finally {
            ScratchDirectory.deleteTree(scratch);
        }
    }
}
