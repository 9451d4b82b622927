package dev.cairn.pageserver;

import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.gc.GcResult;
import dev.cairn.pageserver.read.LsnOutsideRetentionException;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.store.KeyKind;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ScratchDirectory;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The round trip through the pageserver with real stock PostgreSQL 15: a
 * fresh initdb is imported, compute A runs a mixed workload on it, its WAL
 * is ingested, and compute B starts from a basebackup at the end of that WAL
 * with nothing lost (pg_dumpall equal, pg_amcheck clean, the open prepared
 * transaction commits, writes work). A second generation (B stopped with
 * immediate shutdown, i.e. no shutdown checkpoint) gives compute C, and a
 * third (C killed with SIGKILL, a transaction left prepared) gives compute D.
 * A basebackup at an earlier LSN shows the earlier state; the store holds no
 * plaintext.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoundTripTest {
    private final TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
    private Path scratch;
    private Computes.SealedStore sealed;
    private PageStore store;
    private Ingest ingest;
    private Workload workload;
    private Lsn pitLsn;
    private PgCluster b;
    private PgCluster c;
    private String dumpAfterB;
    private String dumpAfterC;
    private Map<String, String> probesA;
    private final List<String> log = new ArrayList<>();

    @BeforeAll
    void setUp() {
        scratch = Computes.scratch("cairn-roundtrip");
        // values sealed through kms/ (local CMK -> tenant KEK -> DEK), as in production
        sealed = Computes.SealedStore.open(scratch, tl);
        store = sealed.store();
    }

    @AfterAll
    void tearDown() {
        if (b != null) {
            b.close();
        }
        if (c != null) {
            c.close();
        }
        sealed.close();
        System.out.println(String.join("\n", log));
        ScratchDirectory.deleteTree(scratch);
    }

    @Test
    @Order(1)
    void computeBStartsFromTheBasebackupWithNothingLost() throws Exception {
        PgCluster a = Computes.initdb(scratch);
        long t0 = System.nanoTime();
        DataDirImport.Result imported = DataDirImport.run(store, tl, a.dataDir());
        log.add("import: " + imported + " in " + ms(t0) + " ms");
        ingest = newIngest(store, tl);

        String dumpA;
        try (a) {
            a.start(computeSettings());
            t0 = System.nanoTime();
            workload = Workload.run(a);
            try (Connection c = Computes.connect(a, "postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE pit (id int, v text)");
                s.execute("INSERT INTO pit VALUES (1, 'before')");
                var rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()");
                rs.next();
                pitLsn = Lsn.parse(rs.getString(1));
                s.execute("INSERT INTO pit VALUES (2, 'after')");
            }
            log.add("workload on A: " + ms(t0) + " ms");
            dumpA = Computes.dumpall(a);
            probesA = IndexProbes.heap(a);
            a.stop("fast");
        }

        t0 = System.nanoTime();
        Lsn end = WalDirectoryIngest.ingest(ingest, a.walDir());
        long walBytes = end.minus(imported.lsn());
        log.add("ingest of A's WAL " + imported.lsn() + ".." + end + ": " + walBytes / 1024 + " KiB in " + ms(t0) + " ms");

        b = startFromBasebackup(null, "b");
        String dumpB = Computes.dumpall(b);
        assertSameDatabase(dumpA, dumpB);

        ProcessResult check = Computes.amcheck(b);
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        assertThat(check.stdout()).isEmpty();
        assertThat(IndexProbes.index(b)).isEqualTo(probesA);
        assertThat(IndexProbes.heap(b)).isEqualTo(probesA);
        assertThat(probesA.values()).noneMatch(v -> v.startsWith("0/"));
        b.psql("VACUUM"); // every index AM's vacuum reads its pages

        try (Connection c = Computes.connect(b, "postgres"); Statement s = c.createStatement()) {
            assertThat(query(s, "SELECT count(*) FROM ul")).isEqualTo("0");
            assertThat(query(s, "SELECT string_agg(gid, ',') FROM pg_prepared_xacts")).isEqualTo("cairn_open");
            assertThat(query(s, "SELECT count(*) FROM twopc WHERE v = 'cairn_open'")).isEqualTo("0");
            s.execute("COMMIT PREPARED 'cairn_open'");
            assertThat(query(s, "SELECT count(*) FROM twopc WHERE v = 'cairn_open'")).isEqualTo("2");
            assertThat(query(s, "SELECT length(doc) FROM big WHERE id = 1")).isEqualTo("1280000");
            // writes: new rows, a new table, an unlogged table that works again
            s.execute("INSERT INTO ul SELECT g, 'again' FROM generate_series(1, 10) g");
            s.execute("INSERT INTO docs (tags, payload) SELECT ARRAY['b'], md5(g::text) FROM generate_series(1, 500) g");
            s.execute("CREATE TABLE after_b AS SELECT g AS id FROM generate_series(1, 1000) g");
            s.execute("SELECT nextval('counter')");
            assertThat(query(s, "SELECT count(*) FROM after_b")).isEqualTo("1000");
        }
        dumpAfterB = Computes.dumpall(b);
    }

    /**
     * Reads every file of a live store, asserting none holds the marker; returns the bytes read. A
     * background compaction may delete an SST file between listing and reading: its contents are then
     * in a newer file, so the walk starts over.
     */
    private static long scanForMarker(Path dir, byte[] marker) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).toList();
            }
            long scanned = 0;
            try {
                for (Path f : files) {
                    byte[] bytes = Files.readAllBytes(f);
                    scanned += bytes.length;
                    assertThat(com.google.common.primitives.Bytes.indexOf(bytes, marker)).as("marker in " + f).isEqualTo(-1);
                }
                return scanned;
            } catch (java.nio.file.NoSuchFileException compactedAway) {
                if (attempt == 5) {
                    throw compactedAway;
                }
            }
        }
    }

    @Test
    @Order(2)
    void noPlaintextAtRest() throws IOException {
        assumeThat(workload).isNotNull();
        store.flush();
        byte[] marker = workload.marker.getBytes(StandardCharsets.UTF_8);
        long scanned = scanForMarker(store.directory(), marker);
        assertThat(scanned).isGreaterThan(1 << 20);
        // values are ciphertext: no lz4 decompression of any value (at any of its first offsets) shows the marker
        LZ4SafeDecompressor lz4 = LZ4Factory.fastestInstance().safeDecompressor();
        long[] values = {0};
        store.forEachRaw(KeyKind.Family.PAGES, (k, v) -> {
            values[0]++;
            byte[] out = new byte[64 << 10];
            for (int off = 0; off < Math.min(32, v.length); off++) {
                try {
                    int n = lz4.decompress(v, off, v.length - off, out, 0);
                    assertThat(com.google.common.primitives.Bytes.indexOf(java.util.Arrays.copyOf(out, n), marker)).isEqualTo(-1);
                } catch (RuntimeException notLz4) {
                    // expected: ciphertext is not an lz4 stream
                }
            }
        });
        log.add("no plaintext: scanned " + scanned / 1024 + " KiB of files, " + values[0] + " page values");
    }

    @Test
    @Order(3)
    void aBasebackupAtAnEarlierLsnShowsTheEarlierState() throws Exception {
        assumeThat(pitLsn).isNotNull();
        Path tar = scratch.resolve("pit.tar");
        Basebackup.Result r;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar))) {
            r = new PageService(new Timeline(store, tl), ingest.watch(), Duration.ofSeconds(5)).basebackup(pitLsn, out);
        }
        assertThat(r.dataLsn()).isLessThanOrEqualTo(pitLsn);
        try (PgCluster pit = Computes.fromBasebackup(tar, scratch.resolve("pit"))) {
            pit.start(computeSettings());
            assertThat(pit.psql("SELECT string_agg(v, ',' ORDER BY id) FROM pit")).isEqualTo("before");
            assertThat(pit.psql("SELECT count(*) FROM pg_database WHERE datname IN ('db_wal', 'db_copy')")).isEqualTo("2");
            // the documents were last changed before that point: every index answers as on A
            assertThat(IndexProbes.index(pit)).isEqualTo(probesA);
            ProcessResult check = Computes.amcheck(pit);
            assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
            assertThat(check.stdout()).isEmpty();
        }
        ScratchDirectory.deleteTree(scratch.resolve("pit"));
    }

    @Test
    @Order(4)
    void secondGenerationAfterImmediateStop() throws Exception {
        assumeThat(dumpAfterB).isNotNull();
        b.stop("immediate");
        Lsn bStart = new Timeline(store, tl).position().end();
        long t0 = System.nanoTime();
        Lsn end = WalDirectoryIngest.ingest(ingest, b.walDir());
        log.add("ingest of B's WAL up to " + end + ": " + ms(t0) + " ms");

        // GC with A's history outside the retention window: C must not notice.
        long sizeBefore = Computes.treeSize(store.directory());
        GcResult gc = new GarbageCollector(store).collect(new Timeline(store, tl), bStart);
        store.compact();
        log.add("GC at " + gc.horizon() + ": " + gc.versionsDropped() + " versions dropped; store "
                + sizeBefore / 1024 + " KiB -> " + Computes.treeSize(store.directory()) / 1024 + " KiB");
        assertThat(gc.versionsDropped()).isPositive();
        assertThatThrownBy(() -> new PageService(new Timeline(store, tl), ingest.watch(), Duration.ofSeconds(5))
                .basebackup(pitLsn, OutputStream.nullOutputStream()))
                .isInstanceOf(LsnOutsideRetentionException.class);
        c = startFromBasebackup(null, "c");
        assertSameDatabase(dumpAfterB, Computes.dumpall(c));
        ProcessResult check = Computes.amcheck(c);
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        assertThat(c.psql("SELECT count(*) FROM twopc WHERE v = 'cairn_open'")).isEqualTo("2");
        assertThat(IndexProbes.index(c)).isEqualTo(IndexProbes.heap(c));
        c.psql("INSERT INTO after_b SELECT g FROM generate_series(1001, 1100) g");
        assertThat(c.psql("SELECT count(*) FROM after_b")).isEqualTo("1100");
        // C's own workload, ending in a transaction left prepared across the kill that follows
        c.psql("CREATE INDEX after_b_id ON after_b (id)");
        c.psql("UPDATE after_b SET id = id + 10000 WHERE id % 7 = 0");
        c.psql("BEGIN; INSERT INTO twopc VALUES (99, 'cairn_open_c'); PREPARE TRANSACTION 'cairn_open_c'");
        dumpAfterC = Computes.dumpall(c);
    }

    @Test
    @Order(5)
    void thirdGenerationAfterSigkill() throws Exception {
        assumeThat(dumpAfterC).isNotNull();
        ProcessHandle postmaster = c.postmaster().orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().toList();
        assertThat(postmaster.destroyForcibly()).isTrue(); // SIGKILL: no shutdown, no checkpoint
        postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        for (ProcessHandle child : children) { // orphaned backends notice the postmaster's death and exit
            child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        Lsn end = WalDirectoryIngest.ingest(ingest, c.walDir());
        log.add("ingest of C's WAL (after SIGKILL) up to " + end);

        try (PgCluster d = startFromBasebackup(null, "d")) {
            assertSameDatabase(dumpAfterC, Computes.dumpall(d));
            ProcessResult check = Computes.amcheck(d);
            assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
            assertThat(check.stdout()).isEmpty();
            assertThat(IndexProbes.index(d)).isEqualTo(IndexProbes.heap(d));
            assertThat(d.psql("SELECT string_agg(gid, ',') FROM pg_prepared_xacts")).isEqualTo("cairn_open_c");
            d.psql("COMMIT PREPARED 'cairn_open_c'");
            assertThat(d.psql("SELECT count(*) FROM twopc WHERE v = 'cairn_open_c'")).isEqualTo("1");
            d.psql("INSERT INTO after_b SELECT g FROM generate_series(1101, 1200) g");
            assertThat(d.psql("SELECT count(*) FROM after_b")).isEqualTo("1200");
        }
    }

    /** The computes' settings: verify mode here (every block's image, compared with the Java redo). */
    Map<String, String> computeSettings() {
        return Computes.SETTINGS;
    }

    Ingest newIngest(PageStore store, TimelineKey tl) {
        return new Ingest(store, tl);
    }

    private PgCluster startFromBasebackup(Lsn lsn, String name) throws IOException {
        return Computes.startFromBasebackup(store, tl, lsn, scratch, name, log, computeSettings());
    }

    private static void assertSameDatabase(String before, String after) {
        Computes.assertSameDatabase(before, after);
    }

    private static String query(Statement s, String sql) throws java.sql.SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }


    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
