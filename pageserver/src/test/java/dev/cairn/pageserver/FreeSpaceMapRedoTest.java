package dev.cairn.pageserver;

import dev.cairn.common.Id128;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.PgRuntimeException;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.redo.BlockRedo;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The free space map and visibility map that ingest keeps, against PostgreSQL's own recovery as the oracle: the
 * same data directory is imported into the pageserver and restored by stock PostgreSQL, both replay the same
 * WAL (a compute's, full_page_writes off), and every {@code _fsm} and {@code _vm} file of the pageserver's
 * basebackup must equal the recovered server's byte for byte. Neither map is WAL-logged as such: what recovery
 * has is what heap redo records in them (inserts, updates, pruning, vacuum, all-visible, truncation).
 */
class FreeSpaceMapRedoTest {
    private static final String WORKLOAD = """
            CREATE TABLE t (id int PRIMARY KEY, k int, filler text) WITH (fillfactor = 90);
            CREATE INDEX t_k ON t (k);
            INSERT INTO t SELECT g, g, repeat('x', 200) FROM generate_series(1, 30000) g;
            COPY (SELECT g, g, repeat('y', 1500) FROM generate_series(30001, 52000) g) TO 'ROWS_FILE';
            COPY t FROM 'ROWS_FILE';
            UPDATE t SET k = k + 1 WHERE id % 7 = 0;
            UPDATE t SET filler = repeat('z', 150) WHERE id % 11 = 0 AND id <= 30000;
            DELETE FROM t WHERE id % 3 = 0;
            VACUUM t;
            DELETE FROM t WHERE id > 45000;
            VACUUM t;
            UPDATE t SET filler = repeat('w', 180) WHERE id % 13 = 0;
            VACUUM FREEZE t;
            CREATE TABLE small (id int, v text);
            INSERT INTO small SELECT g, md5(g::text) FROM generate_series(1, 2000) g;
            DELETE FROM small WHERE id % 2 = 0;
            VACUUM small;
            """;

    @Test
    void ingestKeepsTheMapsAsPostgresRecoveryDoes() throws IOException {
        Path scratch = Computes.scratch("cairn-fsm-redo");
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        try (PageStore store = PageStore.open(scratch.resolve("pageserver"), AesGcmValueCipher.random(1))) {
            PgCluster pg = Computes.initdb(scratch);
            DataDirImport.run(store, tl, pg.dataDir());
            Path base = scratch.resolve("base-copy");
            copyTree(pg.dataDir(), base);
            Lsn end;
            try (pg) {
                pg.start(Computes.settings(Map.of("full_page_writes", "off",
                        "wal_consistency_checking", BlockRedo.consistencyCheckingSetting())));
                String rows = pg.dataDir().resolve("fsm-rows.csv").toString(); // multi-inserts come from COPY
                for (String sql : WORKLOAD.replace("ROWS_FILE", rows).split(";\n")) {
                    if (!sql.isBlank()) {
                        pg.psql(sql);
                    }
                }
                assertThat(pg.psql("SELECT pg_relation_size('t', 'fsm') > 3 * 8192")).as("two FSM leaf pages")
                        .isEqualTo("t");
                pg.stop("fast");
                end = WalDirectoryIngest.ingest(new Ingest(store, tl), pg.walDir());
            }
            Path oracle = recoverWithPostgres(base, pg.walDir(), scratch);
            Path ours = scratch.resolve("ours");
            Computes.fromBasebackup(basebackup(store, tl, end, scratch), ours).close(); // extracted, never started

            TreeSet<String> oracleMaps = mapFiles(oracle);
            TreeSet<String> ourMaps = mapFiles(ours);
            assertThat(ourMaps).as("FSM and VM files").isEqualTo(oracleMaps);
            List<String> differences = new ArrayList<>();
            int pages = 0;
            for (String file : oracleMaps) {
                byte[] expected = Files.readAllBytes(oracle.resolve(file));
                byte[] actual = Files.readAllBytes(ours.resolve(file));
                pages += expected.length / PgConstants.BLCKSZ;
                String difference = firstDifference(expected, actual);
                if (difference != null) {
                    differences.add(file + ": " + difference);
                }
            }
            System.out.println("FSM/VM files compared with PostgreSQL's recovery: " + oracleMaps.size() + " files, "
                    + pages + " pages");
            assertThat(oracleMaps).anyMatch(f -> f.endsWith("_fsm")).anyMatch(f -> f.endsWith("_vm"));
            assertThat(differences).isEmpty();
        } finally {
            ScratchDirectory.deleteTree(scratch);
        }
    }

    /** Archive recovery of the base copy over the compute's WAL, to its end, then a clean shutdown. */
    private static Path recoverWithPostgres(Path base, Path walDir, Path scratch) throws IOException {
        Path archive = scratch.resolve("archive");
        copyTree(walDir, archive);
        Files.deleteIfExists(base.resolve("postmaster.pid"));
        Files.writeString(base.resolve("recovery.signal"), "");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
        PgCluster oracle = PgCluster.existing(PgBinaries.locate(), base);
        oracle.user().own(scratch);
        try (oracle) {
            // hot_standby off: the server takes connections only once recovery has replayed everything and promoted
            oracle.start(Map.of("restore_command", "cp " + archive + "/%f %p", "hot_standby", "off",
                    "autovacuum", "off", "fsync", "off"));
            awaitEndOfRecovery(oracle);
            oracle.stop("fast");
        }
        return base;
    }

    /** pg_ctl returns once a server without hot standby is in recovery; the promotion at WAL's end comes later. */
    private static void awaitEndOfRecovery(PgCluster pg) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (pg.psql("SELECT pg_is_in_recovery()").equals("f")) {
                    return;
                }
            } catch (PgRuntimeException stillRecovering) {
                assertThat(System.nanoTime()).as("recovery ends within 120 s: " + stillRecovering.getMessage())
                        .isLessThan(deadline);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Path basebackup(PageStore store, TimelineKey tl, Lsn end, Path scratch) throws IOException {
        Path tar = scratch.resolve("ours.tar");
        try (var out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
            new Basebackup(new Timeline(store, tl))
                    .write(end, out);
        }
        return tar;
    }

    /** Relative paths of every free space map and visibility map file under base/ and global/. */
    private static TreeSet<String> mapFiles(Path dataDir) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (String dir : List.of("base", "global")) {
            try (Stream<Path> files = Files.walk(dataDir.resolve(dir))) {
                files.filter(Files::isRegularFile)
                        .map(p -> dataDir.relativize(p).toString())
                        .filter(p -> p.matches(".*/\\d+_(fsm|vm)(\\.\\d+)?"))
                        .forEach(out::add);
            }
        }
        return out;
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        if (expected.length != actual.length) {
            return "PostgreSQL has " + expected.length / PgConstants.BLCKSZ + " pages, the pageserver "
                    + actual.length / PgConstants.BLCKSZ;
        }
        int at = Arrays.mismatch(expected, actual);
        if (at < 0) {
            return null;
        }
        int page = at / PgConstants.BLCKSZ;
        int last = page * PgConstants.BLCKSZ + PgConstants.BLCKSZ - 1;
        while (expected[last] == actual[last]) {
            last--;
        }
        return "page " + page + " differs from byte " + at % PgConstants.BLCKSZ + " to " + last % PgConstants.BLCKSZ
                + ": PostgreSQL's page LSN " + pageLsn(expected, page) + ", the pageserver's " + pageLsn(actual, page);
    }

    private static Lsn pageLsn(byte[] file, int page) {
        ByteBuffer b = ByteBuffer.wrap(file, page * PgConstants.BLCKSZ, 8).order(ByteOrder.LITTLE_ENDIAN);
        return Lsn.of(((long) b.getInt() << 32) | (b.getInt() & 0xFFFFFFFFL));
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}
