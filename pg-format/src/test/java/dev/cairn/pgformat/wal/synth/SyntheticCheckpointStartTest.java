package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.control.ControlFile;
import dev.cairn.pgformat.control.ControlFileCodec;
import dev.cairn.pgformat.control.DbState;
import dev.cairn.pgformat.control.PgControldata;
import dev.cairn.pgformat.fixture.SampleCluster;
import dev.cairn.pgformat.wal.PgWaldumpOutput;
import dev.cairn.pgformat.wal.PgWaldumpRecord;
import dev.cairn.pgformat.wal.WalSegmentName;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key property of the synthetic checkpoint: a cleanly stopped stock
 * PostgreSQL 15 data directory whose pg_control and WAL we replace (as
 * pg_resetwal would, but at a record position of our choice well past the old
 * end of WAL) starts without recovery, continues its WAL right after our
 * record, keeps its data and accepts writes.
 */
class SyntheticCheckpointStartTest {
    private static final int SEG = PgConstants.DEFAULT_WAL_SEGMENT_SIZE;
    private static final int PAGE = PgConstants.XLOG_BLCKSZ;
    /** wal_keep_size: the checkpoint would otherwise remove the first segment of a record that crosses segments. */
    private static final Map<String, String> SETTINGS = Map.of("fsync", "off", "wal_keep_size", "256MB");

    /** Where, relative to the start of a segment some way past the old end of WAL, the record goes. */
    enum Placement {
        MID_PAGE(3, 5L * PAGE + 3000),
        AFTER_SHORT_PAGE_HEADER(2, 7L * PAGE + 24),
        AFTER_LONG_PAGE_HEADER(1, 40),
        MID_FIRST_PAGE(1, 1000),
        CROSSING_A_PAGE(2, 9L * PAGE - 48),
        CROSSING_A_SEGMENT(3, -32);

        final int segmentsAhead;
        final long offset;

        Placement(int segmentsAhead, long offset) {
            this.segmentsAhead = segmentsAhead;
            this.offset = offset;
        }

        Lsn location(Lsn oldEnd) {
            long segment = oldEnd.value() / SEG + segmentsAhead;
            return Lsn.of(segment * SEG + offset);
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void stockPostgresStartsOnOurCheckpointWithoutRecoveryAndContinuesAfterIt(Placement placement) {
        PgCluster pg = SampleCluster.get().copy("cairn-synth-" + placement.name().toLowerCase());
        ControlFile old = ControlFileCodec.readFromDataDirectory(pg.dataDir());
        assertThat(old.state()).isEqualTo(DbState.SHUTDOWNED);
        Lsn l = placement.location(old.checkPoint());
        long now = Instant.now().getEpochSecond();
        CheckPoint checkpoint = old.checkPointCopy().withRedo(l).withTime(now);
        SyntheticCheckpointSegment synthetic =
                new SyntheticCheckpointSegment(l, old.checkPoint(), old.systemIdentifier(), SEG, checkpoint);
        installLikePgResetwal(pg, synthetic, synthetic.controlFile(old, now));

        PgControldata before = PgControldata.of(pg, pg.dataDir());
        assertThat(before.warnsAboutCrc()).isFalse();
        assertThat(before.get("Latest checkpoint location")).isEqualTo(PgControldata.lsn(l));
        assertThat(before.get("Database cluster state")).isEqualTo("shut down");

        try (pg) {
            pg.start(SETTINGS);
            String log = pg.serverLog();
            assertThat(log).contains("database system was shut down at").contains("ready to accept connections")
                    .doesNotContain("redo starts").doesNotContain("invalid").doesNotContain("PANIC");

            // data written before the rewrite is all there
            assertThat(pg.psql("SELECT count(*) FROM items")).isEqualTo("18001");
            assertThat(pg.psql("SELECT length(body) FROM items WHERE id = 0")).isEqualTo("96000");
            assertThat(pg.psql("other", "SELECT sum(n) FROM o")).isEqualTo("500500");

            // writes continue with xids and oids from our checkpoint, WAL from right after our record
            assertThat(pg.psql("SELECT pg_current_wal_insert_lsn() >= '" + synthetic.endLsn() + "'::pg_lsn")).isEqualTo("t");
            long xid = Long.parseLong(pg.psql("SELECT txid_current()"));
            assertThat(xid).isGreaterThanOrEqualTo(checkpoint.nextXid());
            pg.psql("CREATE TABLE after_sync (id int PRIMARY KEY, v text)");
            pg.psql("INSERT INTO after_sync SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            assertThat(Long.parseLong(pg.psql("SELECT 'after_sync'::regclass::oid")))
                    .isGreaterThanOrEqualTo(checkpoint.nextOid());
            pg.psql("CHECKPOINT");
            Lsn flushed = Lsn.parse(pg.psql("SELECT pg_current_wal_flush_lsn()"));

            List<PgWaldumpRecord> records = waldump(pg, l, flushed);
            PgWaldumpRecord ours = records.get(0);
            assertThat(ours.rmgr()).isEqualTo("XLOG");
            assertThat(Lsn.parse(ours.lsn())).isEqualTo(l);
            assertThat(Lsn.parse(ours.prev())).isEqualTo(old.checkPoint());
            assertThat(ours.totalLength()).isEqualTo(ShutdownCheckpointRecord.TOTAL_LENGTH);
            assertThat(ours.desc()).startsWith("CHECKPOINT_SHUTDOWN redo " + PgControldata.lsn(l) + "; tli 1;")
                    .contains("xid " + checkpoint.nextXidEpoch() + ":" + checkpoint.nextXid())
                    .contains("oid " + checkpoint.nextOid()).contains("shutdown");
            assertThat(Lsn.parse(records.get(1).lsn())).isEqualTo(synthetic.endLsn());
            assertThat(Lsn.parse(records.get(1).prev())).isEqualTo(l);
            assertThat(records).anyMatch(r -> r.desc().startsWith("CHECKPOINT_ONLINE"));
            assertThat(records).anyMatch(r -> r.rmgr().equals("Heap") && r.xid() > 0);

            ControlFile after = ControlFileCodec.readFromDataDirectory(pg.dataDir());
            assertThat(after.state()).isEqualTo(DbState.IN_PRODUCTION);
            assertThat(after.checkPoint()).isGreaterThan(synthetic.endLsn());
            assertThat(after.checkPointCopy().nextOid()).isGreaterThan(checkpoint.nextOid());
            assertThat(PgControldata.of(pg, pg.dataDir()).fields()).containsAllEntriesOf(PgControldata.expected(after));

            // and it stays a normal cluster across a restart
            pg.stop("fast");
            pg.start(SETTINGS);
            assertThat(pg.psql("SELECT count(*) FROM after_sync")).isEqualTo("1000");
        } finally {
            ScratchDirectory.deleteTree(pg.dataDir().getParent());
        }
    }

    /** What pg_resetwal does to pg_wal and pg_control, with our segment and control file. */
    private static void installLikePgResetwal(PgCluster pg, SyntheticCheckpointSegment synthetic, ControlFile control) {
        Path wal = pg.walDir();
        try {
            try (Stream<Path> files = Files.list(wal)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && (WalSegmentName.looksLikeSegment(name)
                            || name.matches("[0-9A-F]{24}\\.partial"))) {
                        Files.delete(f);
                    }
                }
            }
            try (Stream<Path> files = Files.list(wal.resolve("archive_status"))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            for (WalSegmentFile file : synthetic.files()) {
                Files.write(wal.resolve(file.fileName()), file.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path controlPath = pg.dataDir().resolve(ControlFileCodec.RELATIVE_PATH);
        ControlFileCodec.write(controlPath, control);
        pg.user().own(wal);
        pg.user().own(controlPath);
    }

    private static List<PgWaldumpRecord> waldump(PgCluster pg, Lsn from, Lsn to) {
        ProcessResult r = pg.tool("pg_waldump", List.of("-p", pg.walDir().toString(), "-s", from.toString(),
                "-e", to.toString()), 120).requireSuccess("pg_waldump from " + from);
        List<PgWaldumpRecord> records = PgWaldumpOutput.parse(r.stdout());
        assertThat(records).as(r.stdout()).hasSizeGreaterThan(3);
        return records;
    }
}
