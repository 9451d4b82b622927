package dev.cairn.pgformat.control;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.fixture.SampleCluster;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pg_control read and written by us, checked with stock pg_controldata. */
class ControlFileCodecTest {
    private final List<Path> scratch = new ArrayList<>();

    @AfterEach
    void deleteScratch() {
        scratch.forEach(ScratchDirectory::deleteTree);
    }

    private PgCluster copyOfSample(String prefix) {
        PgCluster copy = SampleCluster.get().copy(prefix);
        scratch.add(copy.dataDir().getParent());
        return copy;
    }

    @Test
    void freshClusterAndRunningClusterAfterWorkloadMatchPgControldata() {
        try (ScratchDirectory scratch = ScratchDirectory.create("cairn-control");
             PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of("--wal-segsize=4"))) {
            ControlFile fresh = ControlFileCodec.readFromDataDirectory(pg.dataDir());
            assertMatchesPgControldata(pg, fresh);
            assertThat(fresh.state()).isEqualTo(DbState.SHUTDOWNED);
            assertThat(fresh.dataChecksumsEnabled()).isFalse();
            assertThat(fresh.build().xlogSegSize()).isEqualTo(4 * 1024 * 1024);

            pg.start(Map.of("fsync", "off", "max_connections", "42", "max_prepared_transactions", "5",
                    "track_commit_timestamp", "on", "wal_level", "logical", "wal_log_hints", "on"));
            pg.psql("CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g");
            pg.psql("SELECT txid_current()");
            pg.psql("CHECKPOINT");
            ControlFile running = ControlFileCodec.readFromDataDirectory(pg.dataDir());
            assertMatchesPgControldata(pg, running);
            assertThat(running.state()).isEqualTo(DbState.IN_PRODUCTION);
            assertThat(running.checkPoint()).isGreaterThan(fresh.checkPoint());
            assertThat(running.checkPointCopy().nextOid()).isGreaterThan(fresh.checkPointCopy().nextOid());
            assertThat(running.settings()).isEqualTo(new ParameterSettings(WalLevel.LOGICAL, true, 42,
                    fresh.settings().maxWorkerProcesses(), fresh.settings().maxWalSenders(), 5,
                    fresh.settings().maxLocksPerXact(), true));
        }
    }

    @Test
    void checksummedClusterAfterWorkloadAndShutdownMatchesPgControldata() {
        SampleCluster sample = SampleCluster.get();
        ControlFile cf = ControlFileCodec.readFromDataDirectory(sample.dataDir());
        assertMatchesPgControldata(sample.cluster, cf);
        assertThat(cf.state()).isEqualTo(DbState.SHUTDOWNED);
        assertThat(cf.dataChecksumVersion()).isEqualTo(1);
        assertThat(cf.checkPoint()).isEqualTo(cf.checkPointCopy().redo());
        assertThat(cf.pgControlVersion()).isEqualTo(PgVersion.PG15.controlVersion);
        assertThat(cf.catalogVersionNo()).isEqualTo(PgVersion.PG15.catalogVersion);
        assertThat(cf.build().floatFormat()).isEqualTo(BuildParameters.FLOAT_FORMAT_VALUE);
        assertThat(cf.build()).isEqualTo(BuildParameters.defaults(16 * 1024 * 1024));
    }

    @Test
    void encodingARealFileReproducesItByteForByte() throws IOException {
        byte[] original = Files.readAllBytes(SampleCluster.get().dataDir().resolve(ControlFileCodec.RELATIVE_PATH));
        assertThat(original).hasSize(ControlFileLayout.FILE_SIZE);
        ControlFile cf = ControlFileCodec.decode(original, "sample");
        assertThat(ControlFileCodec.encode(cf)).isEqualTo(original);
        assertThat(ControlFileCodec.decode(ControlFileCodec.encode(cf), "re-encoded")).isEqualTo(cf);
    }

    @Test
    void aModifiedControlFileWeWriteIsAcceptedByPgControldataWithOurValues() {
        PgCluster copy = copyOfSample("cairn-control-write");
        Path file = copy.dataDir().resolve(ControlFileCodec.RELATIVE_PATH);
        ControlFile before = ControlFileCodec.read(file);
        CheckPoint cp = before.checkPointCopy();
        CheckPoint changed = new CheckPoint(cp.redo(), cp.thisTimeline(), cp.prevTimeline(), false,
                (7L << 32) | 123_456L, 99_999, 4242, 777, cp.oldestXid(), cp.oldestXidDb(), 17, cp.oldestMultiDb(),
                1_700_000_000L, 3, 4, 5);
        byte[] nonce = new byte[ControlFileLayout.NONCE_LENGTH];
        Arrays.fill(nonce, (byte) 0xA5);
        ControlFile after = new ControlFile(before.systemIdentifier() + 1, before.pgControlVersion(),
                before.catalogVersionNo(), DbState.IN_ARCHIVE_RECOVERY, 1_750_000_000L, Lsn.parse("1/2345678"),
                changed, Lsn.parse("0/4000"), Lsn.parse("2/10"), 3, Lsn.parse("0/ABC0"), Lsn.parse("0/DEF0"), true,
                new ParameterSettings(WalLevel.MINIMAL, true, 77, 9, 0, 11, 128, true),
                before.build(), 0, nonce);
        ControlFileCodec.write(file, after);
        copy.user().own(file);

        PgControldata out = PgControldata.of(copy, copy.dataDir());
        assertThat(out.warnsAboutCrc()).as(out.rawOutput()).isFalse();
        assertThat(out.fields()).containsAllEntriesOf(PgControldata.expected(after));
        assertThat(out.get("Latest checkpoint's NextXID")).isEqualTo("7:123456");
        assertThat(out.get("Database cluster state")).isEqualTo("in archive recovery");
        assertThat(ControlFileCodec.read(file)).isEqualTo(after);
    }

    @Test
    void pgControldataNoticesABadCrcAndSoDoWe() throws IOException {
        PgCluster copy = copyOfSample("cairn-control-crc");
        Path file = copy.dataDir().resolve(ControlFileCodec.RELATIVE_PATH);
        byte[] bytes = Files.readAllBytes(file);
        bytes[ControlFileLayout.V1300.offset(ControlField.MAX_CONNECTIONS)] ^= 1;
        Files.write(file, bytes);
        assertThat(PgControldata.of(copy, copy.dataDir()).warnsAboutCrc()).isTrue();
        assertThatThrownBy(() -> ControlFileCodec.read(file))
                .isInstanceOfSatisfying(ControlFileException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ControlFileException.Reason.CRC_MISMATCH);
                    assertThat(e.origin()).isEqualTo(file.toString());
                    assertThat(e.getMessage()).contains(file.toString()).contains("CRC");
                });
    }

    @Test
    void malformedFilesAreTypedErrors() throws IOException {
        byte[] good = Files.readAllBytes(SampleCluster.get().dataDir().resolve(ControlFileCodec.RELATIVE_PATH));
        assertReason(Arrays.copyOf(good, 4), ControlFileException.Reason.TRUNCATED);
        assertReason(Arrays.copyOf(good, 200), ControlFileException.Reason.TRUNCATED);

        byte[] unknownVersion = good.clone();
        ByteBuffer.wrap(unknownVersion).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 942);
        assertReason(unknownVersion, ControlFileException.Reason.UNSUPPORTED_VERSION);

        byte[] badState = good.clone();
        ByteBuffer b = ByteBuffer.wrap(badState).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ControlFileLayout.V1300.offset(ControlField.STATE), 99);
        b.putInt(ControlFileLayout.V1300.offset(ControlField.CRC),
                ControlFileCodec.crc(badState, ControlFileLayout.V1300.crcCoveredLength()));
        assertReason(badState, ControlFileException.Reason.BAD_VALUE);

        assertThatThrownBy(() -> ControlFileCodec.read(Path.of("/nonexistent/pg_control")))
                .isInstanceOfSatisfying(ControlFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(ControlFileException.Reason.IO));
    }

    @Test
    void checkPointRoundTripsThroughItsOwnCodecAtAnyPosition() {
        CheckPoint cp = new CheckPoint(Lsn.parse("12/345678"), 3, 2, true, (1L << 32) | 0xFFFF_FFF0L, 0xFFFF_FFFFL,
                5, 6, 7, 8, 9, 10, -11, 12, 13, 14);
        ByteBuffer buf = ByteBuffer.allocate(3 + CheckPoint.SIZE + 5).order(ByteOrder.BIG_ENDIAN);
        buf.position(3);
        cp.write(buf);
        assertThat(buf.position()).isEqualTo(3 + CheckPoint.SIZE);
        assertThat(buf.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        buf.position(3);
        assertThat(CheckPoint.read(buf)).isEqualTo(cp);
        assertThat(buf.position()).isEqualTo(3 + CheckPoint.SIZE);
        // little-endian regardless of the buffer's order: redo's low byte first
        assertThat(buf.get(3)).isEqualTo((byte) 0x78);
        assertThat(cp.toBytes()).hasSize(CheckPoint.SIZE);
        assertThatThrownBy(() -> CheckPoint.read(ByteBuffer.allocate(CheckPoint.SIZE - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReason(byte[] bytes, ControlFileException.Reason reason) {
        assertThatThrownBy(() -> ControlFileCodec.decode(bytes, "test-input"))
                .isInstanceOfSatisfying(ControlFileException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).startsWith("test-input: ");
                });
    }

    private static void assertMatchesPgControldata(PgCluster pg, ControlFile cf) {
        PgControldata out = PgControldata.of(pg, pg.dataDir());
        assertThat(out.warnsAboutCrc()).as(out.rawOutput()).isFalse();
        Map<String, String> expected = PgControldata.expected(cf);
        assertThat(out.fields()).as(out.rawOutput()).containsExactlyEntriesOf(expected);
    }
}
