package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Oracle test: WAL written by stock PostgreSQL 15 under a varied workload,
 * decoded by us and by pg_waldump, must agree record by record — LSNs,
 * rmgrs, lengths, xids, prev links, block references and image flags.
 */
class WalOracleTest {

    @ParameterizedTest(name = "wal_compression={0}")
    @ValueSource(strings = {"off", "pglz", "lz4", "zstd"})
    void decodesEveryRecordLikePgWaldump(String compression) {
        PgBinaries bin = PgBinaries.locate();
        try (ScratchDirectory scratch = ScratchDirectory.create("cairn-wal-oracle");
             PgCluster pg = PgCluster.initdb(bin, scratch.resolve("data"), List.of())) {
            pg.start(Map.of("wal_compression", compression, "max_prepared_transactions", "5",
                    "fsync", "off", "max_wal_size", "1GB", "checkpoint_timeout", "1h",
                    "wal_keep_size", "10GB"));
            WalWorkload.run(pg, "plain");
            pg.psql("ALTER SYSTEM SET wal_consistency_checking = 'all'");
            pg.psql("SELECT pg_reload_conf()");
            WalWorkload.run(pg, "checked");
            pg.stop("fast");

            List<Path> segments = WalReader.listSegments(pg.walDir());
            List<PgWaldumpRecord> expected = PgWaldumpOutput.dump(pg, pg.walDir(),
                    segments.get(0).getFileName().toString(), segments.get(segments.size() - 1).getFileName().toString());
            List<DecodedRecord> actual = new ArrayList<>();
            WalFormatException endOfWal = null;
            try (WalReader reader = WalReader.open(segments)) {
                DecodedRecord r;
                while ((r = reader.next()) != null) {
                    actual.add(r);
                }
            } catch (WalFormatException e) {
                endOfWal = e;
            }
            assertThat(expected).as("pg_waldump output").hasSizeGreaterThan(10_000);
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertSameRecord(expected.get(i), actual.get(i));
            }
            assertThat(actual.size()).as("number of decoded records (pg_waldump's last: %s)",
                    expected.get(expected.size() - 1).lsn()).isEqualTo(expected.size());
            // Both stop where written WAL ends, after the last record.
            assertThat(endOfWal).as("end of WAL").isNotNull();
            assertThat(endOfWal.isEndOfWal()).as(endOfWal.getMessage()).isTrue();
            assertThat(endOfWal.lsn()).isEqualTo(
                    Lsn.of(PgConstants.maxAlign(actual.get(actual.size() - 1).endLsn().value())));

            assertCoverage(compression, expected, actual);
        }
    }

    private static void assertSameRecord(PgWaldumpRecord e, DecodedRecord a) {
        String where = "record at " + e.lsn();
        assertThat(a.lsn().toString()).as(where).isEqualTo(e.lsn());
        assertThat(RmgrId.nameOf(a.rmid())).as(where + " rmgr").isEqualTo(e.rmgr());
        assertThat(a.totalLength()).as(where + " total length").isEqualTo(e.totalLength());
        assertThat(a.totalLength() - a.imageBytes()).as(where + " rec length").isEqualTo(e.recLength());
        assertThat(a.header().xidUnsigned()).as(where + " xid").isEqualTo(e.xid());
        assertThat(a.header().prev().toString()).as(where + " prev").isEqualTo(e.prev());
        assertThat(a.blocks()).as(where + " blocks").hasSameSizeAs(e.blocks());
        for (int i = 0; i < e.blocks().size(); i++) {
            PgWaldumpRecord.Block eb = e.blocks().get(i);
            BlockReference ab = a.blocks().get(i);
            String bw = where + " blkref #" + eb.id();
            assertThat(ab.blockId()).as(bw).isEqualTo(eb.id());
            assertThat(ab.rel().toString()).as(bw + " rel").isEqualTo(eb.rel());
            assertThat(ab.fork().pgName).as(bw + " fork").isEqualTo(eb.fork());
            assertThat(ab.blockNumber()).as(bw + " blk").isEqualTo(eb.blk());
            assertThat(ab.hasImage()).as(bw + " FPW").isEqualTo(eb.fpw());
            assertThat(ab.applyImage()).as(bw + " apply").isEqualTo(eb.apply());
            if (eb.fpw()) {
                assertThat(ab.holeOffset()).as(bw + " hole offset").isEqualTo(eb.holeOffset());
                assertThat(ab.holeLength()).as(bw + " hole length").isEqualTo(eb.holeLength());
                assertThat(ab.imageCompression().pgName).as(bw + " compression").isEqualTo(eb.method());
                assertRestoresToAPage(a, ab);
            }
        }
    }

    /** Every image decompresses to a page with a sane standard header. */
    private static void assertRestoresToAPage(DecodedRecord rec, BlockReference block) {
        byte[] page = FullPageImage.restore(rec.lsn(), block);
        assertThat(page).hasSize(PgConstants.BLCKSZ);
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        int lower = Short.toUnsignedInt(b.getShort(12));
        int upper = Short.toUnsignedInt(b.getShort(14));
        int special = Short.toUnsignedInt(b.getShort(16));
        int sizeVersion = Short.toUnsignedInt(b.getShort(18));
        if (sizeVersion == 0 && lower == 0 && upper == 0) {
            return; // an all-zero (new) page
        }
        String what = "image of blk " + block.blockNumber() + " in record at " + rec.lsn();
        assertThat(sizeVersion).as(what + " pd_pagesize_version").isEqualTo(PgConstants.BLCKSZ | 4);
        assertThat(lower).as(what + " pd_lower").isLessThanOrEqualTo(upper);
        assertThat(upper).as(what + " pd_upper").isLessThanOrEqualTo(special);
        assertThat(special).as(what + " pd_special").isLessThanOrEqualTo(PgConstants.BLCKSZ);
    }

    /** The workload really exercised what the issue asks for. */
    private static void assertCoverage(String compression, List<PgWaldumpRecord> expected, List<DecodedRecord> actual) {
        Set<String> kinds = new HashSet<>();
        for (PgWaldumpRecord r : expected) {
            kinds.add(r.rmgr() + " " + r.desc().split(" ")[0]);
        }
        assertThat(kinds).contains("Heap INSERT", "Heap2 MULTI_INSERT", "Btree INSERT_LEAF", "Gin INSERT", "Gist PAGE_UPDATE",
                "BRIN INSERT+INIT", "Hash INSERT", "Sequence LOG", "Database CREATE_FILE_COPY", "Database CREATE_WAL_LOG",
                "Database DROP", "Transaction COMMIT", "Transaction ABORT", "Transaction PREPARE",
                "Transaction COMMIT_PREPARED", "Transaction ABORT_PREPARED", "MultiXact CREATE_ID", "Storage CREATE",
                "Storage TRUNCATE", "RelMap UPDATE", "Standby RUNNING_XACTS", "XLOG CHECKPOINT_ONLINE",
                "XLOG CHECKPOINT_SHUTDOWN", "XLOG SWITCH", "Heap2 VISIBLE");
        long verificationImages = actual.stream().flatMap(r -> r.blocks().stream())
                .filter(b -> b.hasImage() && !b.applyImage()).count();
        assertThat(verificationImages).as("images for wal_consistency_checking").isGreaterThan(1000);
        if (!compression.equals("off")) {
            long compressed = actual.stream().flatMap(r -> r.blocks().stream())
                    .filter(b -> b.hasImage() && b.imageCompression().pgName.equals(compression)).count();
            assertThat(compressed).as(compression + " images").isGreaterThan(1000);
        }
        if (actual.stream().noneMatch(r -> r.endLsn().value() / PgConstants.DEFAULT_WAL_SEGMENT_SIZE
                != r.lsn().value() / PgConstants.DEFAULT_WAL_SEGMENT_SIZE)) {
            fail("no record spans a segment boundary");
        }
    }
}
