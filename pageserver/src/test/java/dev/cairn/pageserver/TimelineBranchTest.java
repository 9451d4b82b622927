package dev.cairn.pageserver;

import dev.cairn.pageserver.branch.TimelineBranch;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.importer.ImportException;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.read.LsnOutsideRetentionException;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A branch at an LSN is a copy of its source as of that LSN, made from the source's basebackup there: stock
 * PostgreSQL started from the branch sees exactly the source's data at the LSN, the branch takes WAL of its
 * own, and LSNs outside the source's history (before its start, beyond its WAL, below its GC horizon) are
 * refused. The private copy is gone afterwards, whether the branch was made or refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimelineBranchTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final TimelineKey source = new TimelineKey(Id128.random(), Id128.random());
    private Path scratch;
    private PageStore store;
    private PageService sourcePages;
    private Lsn start;
    private Lsn noted;
    private Lsn end;

    @BeforeAll
    void sourceWithHistory() throws Exception {
        scratch = Computes.scratch("cairn-branch");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        store = PageStore.open(scratch.resolve("pageserver"), new AesGcmValueCipher(1, key));
        PgCluster a = Computes.initdb(scratch);
        start = DataDirImport.run(store, source, a.dataDir()).lsn();
        Ingest ingest = new Ingest(store, source);
        try (a) {
            a.start(Computes.SETTINGS);
            try (Connection c = Computes.connect(a, "postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int PRIMARY KEY, v text)");
                s.execute("INSERT INTO kept SELECT g, 'before' FROM generate_series(1, 1000) g");
                s.execute("CREATE TABLE dropped_later (id int)");
                s.execute("INSERT INTO dropped_later VALUES (7)");
                noted = Lsn.parse(query(s, "SELECT pg_current_wal_lsn()"));
                s.execute("INSERT INTO kept SELECT g, 'after' FROM generate_series(1001, 1500) g");
                s.execute("DROP TABLE dropped_later");
            }
            a.stop("fast");
        }
        end = WalDirectoryIngest.ingest(ingest, a.walDir());
        sourcePages = new PageService(new Timeline(store, source), ingest.watch(), WAIT);
    }

    @AfterAll
    void tearDown() {
        store.close();
        ScratchDirectory.deleteTree(scratch);
    }

    @Test
    @Order(1)
    void branchAtAnLsnHoldsExactlyTheDataOfThatLsnAndTakesWalOfItsOwn() throws Exception {
        TimelineKey branch = new TimelineKey(source.tenant(), Id128.random());
        TimelineBranch.Result r = new TimelineBranch(store, source, sourcePages, branch).create(noted, end, WAIT, workDir());

        assertThat(r.ancestry().timeline()).isEqualTo(source.timeline());
        assertThat(r.ancestry().lsn()).isLessThanOrEqualTo(noted).isGreaterThan(start);
        assertThat(new Timeline(store, branch).ancestry()).isEqualTo(r.ancestry());
        assertThat(new Timeline(store, source).ancestry()).isNull();
        assertThat(new Timeline(store, branch).position().importLsn()).as("the branch starts where its basebackup's "
                + "checkpoint lies").isEqualTo(r.imported().lsn()).isGreaterThanOrEqualTo(r.ancestry().lsn());
        assertThat(r.copiedBytes()).isGreaterThan(1L << 20);
        assertNoCopyLeft();

        Ingest ingest = new Ingest(store, branch);
        try (PgCluster b = compute(branch, ingest, "b")) {
            b.start(Computes.SETTINGS);
            assertThat(b.psql("SELECT count(*), min(v), max(v) FROM kept")).isEqualTo("1000|before|before");
            assertThat(b.psql("SELECT id FROM dropped_later")).isEqualTo("7");
            b.psql("INSERT INTO kept VALUES (5000, 'on the branch')");
            b.stop("fast");
            WalDirectoryIngest.ingest(ingest, b.walDir());
        }
        try (PgCluster c = compute(branch, ingest, "c")) {
            c.start(Computes.SETTINGS);
            assertThat(c.psql("SELECT count(*), max(v) FROM kept")).isEqualTo("1001|on the branch");
        }
        try (PgCluster main = compute(source, null, "main")) {
            main.start(Computes.SETTINGS);
            assertThat(main.psql("SELECT count(*) FROM kept")).isEqualTo("1500");
            assertThat(main.psql("SELECT count(*) FROM pg_class WHERE relname = 'dropped_later'")).isEqualTo("0");
        }
    }

    @Test
    @Order(2)
    void branchAtTheSourcesStartIsTheImportedCluster() throws Exception {
        TimelineKey branch = new TimelineKey(source.tenant(), Id128.random());
        TimelineBranch.Result r = new TimelineBranch(store, source, sourcePages, branch).create(start, end, WAIT, workDir());
        assertThat(r.ancestry().lsn()).isEqualTo(start);
        try (PgCluster b = compute(branch, null, "at-start")) {
            b.start(Computes.SETTINGS);
            assertThat(b.psql("SELECT count(*) FROM pg_class WHERE relname IN ('kept', 'dropped_later')")).isEqualTo("0");
        }
    }

    @Test
    @Order(3)
    void lsnsOutsideTheSourcesHistoryAndTakenIdsAreRefused() throws IOException {
        TimelineKey branch = new TimelineKey(source.tenant(), Id128.random());
        TimelineBranch brancher = new TimelineBranch(store, source, sourcePages, branch);
        assertThatThrownBy(() -> brancher.create(Lsn.of(start.value() - 1), end, WAIT, workDir()))
                .isInstanceOf(TimelineStateException.class)
                .hasMessageContaining(source.toString()).hasMessageContaining("starts at " + start);
        assertThatThrownBy(() -> brancher.create(end.plus(1), end, WAIT, workDir()))
                .isInstanceOf(TimelineStateException.class)
                .hasMessageContaining("cannot branch at " + end.plus(1)).hasMessageContaining("ingested only up to " + end);
        assertThat(new Timeline(store, branch).exists()).isFalse();

        TimelineKey taken = new TimelineKey(source.tenant(), Id128.random());
        new TimelineBranch(store, source, sourcePages, taken).create(end, end, WAIT, workDir());
        assertThatThrownBy(() -> new TimelineBranch(store, source, sourcePages, taken).create(end, end, WAIT, workDir()))
                .isInstanceOf(ImportException.class).hasMessageContaining("exists already");
        assertThatThrownBy(() -> new TimelineBranch(store, source, sourcePages,
                new TimelineKey(Id128.random(), Id128.random()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stays in its tenant");
        assertNoCopyLeft();
    }

    @Test
    @Order(4)
    void lsnBelowTheGcHorizonIsRefused() throws Exception {
        sourcePages.collectGarbage(new GarbageCollector(store), end);
        TimelineKey branch = new TimelineKey(source.tenant(), Id128.random());
        assertThatThrownBy(() -> new TimelineBranch(store, source, sourcePages, branch).create(noted, end, WAIT, workDir()))
                .isInstanceOf(LsnOutsideRetentionException.class).hasMessageContaining("retention window");
        assertThat(new Timeline(store, branch).exists()).isFalse();
        assertNoCopyLeft();
    }

    private Path workDir() {
        return scratch.resolve("branching");
    }

    private void assertNoCopyLeft() throws IOException {
        try (Stream<Path> left = Files.list(workDir())) {
            assertThat(left.toList()).as("private copies left under " + workDir()).isEmpty();
        }
    }

    /** Stock postgres from the timeline's latest basebackup. */
    private PgCluster compute(TimelineKey tl, Ingest ingest, String name) throws IOException {
        Path tar = scratch.resolve(name + ".tar");
        PageService pages = new PageService(new Timeline(store, tl), (ingest != null ? ingest : new Ingest(store, tl)).watch(), WAIT);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar))) {
            pages.basebackup(new Timeline(store, tl).position().end(), out);
        }
        return Computes.fromBasebackup(tar, scratch.resolve(name));
    }

    private static String query(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
