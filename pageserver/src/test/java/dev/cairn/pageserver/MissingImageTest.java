package dev.cairn.pageserver;

import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.IngestException;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.MissingImageException;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A compute without wal_consistency_checking writes records that change
 * blocks without images: heap and btree records are redone in Java, but ingest
 * must stop at the first record of an rmgr without Java redo (a hash index's),
 * loudly, naming the rmgr and the setting, and store nothing of it — never a
 * stale page.
 */
class MissingImageTest {

    @Test
    void ingestStopsAtTheFirstRecordThatNeedsRedoWeDoNotHave() {
        Path scratch = Computes.scratch("cairn-missing-image");
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        try (PageStore store = PageStore.open(scratch.resolve("pageserver"), AesGcmValueCipher.random(1))) {
            PgCluster pg = Computes.initdb(scratch);
            Lsn start = DataDirImport.run(store, tl, pg.dataDir()).lsn();
            try (pg) {
                pg.start(Map.of("fsync", "off"));
                pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text)");
                pg.psql("CREATE INDEX t_hash ON t USING hash (id)");
                pg.psql("CHECKPOINT");
                pg.psql("INSERT INTO t VALUES (1, 'first')");
                pg.psql("INSERT INTO t VALUES (2, 'second: same pages, no full-page images this time')");
                pg.stop("fast");
            }
            Ingest ingest = new Ingest(store, tl);
            MissingImageException e = catchThrowableOfType(MissingImageException.class,
                    () -> WalDirectoryIngest.ingest(ingest, pg.walDir()));
            assertThat(e).isNotNull();
            System.out.println("ingest refused as expected: " + e.getMessage());
            assertThat(e.getMessage()).contains(MissingImageException.REQUIRED_SETTING).contains(tl.toString())
                    .contains(e.rmgr()).contains("without a page image");
            assertThat(e.rmgr()).isEqualTo("Hash");
            // nothing of the failing record was stored; ingest refuses to go on past it
            Lsn stoppedAt = ingest.position().end();
            assertThat(stoppedAt).isLessThanOrEqualTo(e.lsn()).isGreaterThan(start);
            assertThat(new Timeline(store, tl).position().end()).isEqualTo(stoppedAt);
            assertThatThrownBy(() -> WalDirectoryIngest.ingest(ingest, pg.walDir()))
                    .isInstanceOf(IngestException.class).hasMessageContaining("stopped earlier");
        } finally {
            ScratchDirectory.deleteTree(scratch);
        }
    }
}
