package dev.cairn.pageserver;

import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.importer.StockRecovery;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.pgruntime.ServerUser;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tablespaces through the pageserver with real stock PostgreSQL 15: one with a directory that exists before
 * the import (so the import takes it), then in-place and directory tablespaces created, used by tables and
 * indexes, moved into with ALTER TABLE / ALTER DATABASE SET TABLESPACE, databases created in them with both
 * strategies, and one dropped; the WAL is ingested and a new server starts from the basebackup with the same
 * database, every tablespace in place under pg_tblspc/OID. That server can then empty and drop one, and the
 * next generation starts without it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TablespaceRoundTripTest {
    private final TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
    private final List<String> log = new ArrayList<>();
    private Path scratch;
    private Computes.SealedStore sealed;
    private PageStore store;

    @BeforeAll
    void setUp() {
        scratch = Computes.scratch("cairn-tablespaces");
        sealed = Computes.SealedStore.open(scratch, tl);
        store = sealed.store();
    }

    @AfterAll
    void tearDown() {
        sealed.close();
        System.out.println(String.join("\n", log));
        ScratchDirectory.deleteTree(scratch);
    }

    @Test
    void tablespacesOfBothKindsSurviveImportIngestAndBasebackup() throws Exception {
        PgCluster a = Computes.initdb(scratch);
        Path imported = location("imported");
        Path located = location("located");
        String dumpA;
        try (a) {
            a.start(Computes.SETTINGS);
            run(a, "postgres", "CREATE TABLESPACE ts_imported LOCATION '" + imported + "'",
                    "CREATE TABLE in_imported (id int PRIMARY KEY, v text) TABLESPACE ts_imported",
                    "INSERT INTO in_imported SELECT g, 'imported ' || g FROM generate_series(1, 500) g");
            a.stop("fast");
            DataDirImport.run(store, tl, a.dataDir());
            importedThroughStockRecovery(a.dataDir());

            a.start(Computes.settings(Map.of("allow_in_place_tablespaces", "on")));
            run(a, "postgres", "CREATE TABLESPACE ts_inplace LOCATION ''",
                    "CREATE TABLESPACE ts_located LOCATION '" + located + "'",
                    "CREATE TABLESPACE ts_dropped LOCATION ''",
                    "CREATE TABLE t_inplace (id int PRIMARY KEY USING INDEX TABLESPACE ts_located, v text) TABLESPACE ts_inplace",
                    "INSERT INTO t_inplace SELECT g, repeat('x', g % 300) FROM generate_series(1, 3000) g",
                    "CREATE INDEX t_inplace_v ON t_inplace (v) TABLESPACE ts_inplace",
                    "CREATE TABLE t_moved (id int, v text)",
                    "INSERT INTO t_moved SELECT g, 'moved' FROM generate_series(1, 2000) g",
                    "CREATE INDEX t_moved_id ON t_moved (id)",
                    "ALTER TABLE t_moved SET TABLESPACE ts_located",
                    "ALTER INDEX t_moved_id SET TABLESPACE ts_inplace",
                    "INSERT INTO in_imported SELECT g, 'later' FROM generate_series(501, 600) g",
                    "CREATE TABLE in_dropped (id int) TABLESPACE ts_dropped",
                    "DROP TABLE in_dropped",
                    "DROP TABLESPACE ts_dropped",
                    "CREATE DATABASE db_wal_log TABLESPACE ts_located",
                    "CREATE DATABASE db_file_copy STRATEGY file_copy TABLESPACE ts_inplace",
                    "CREATE DATABASE db_moved");
            run(a, "db_moved", "CREATE TABLE m (id int PRIMARY KEY)", "INSERT INTO m SELECT generate_series(1, 1000)");
            run(a, "postgres", "ALTER DATABASE db_moved SET TABLESPACE ts_inplace");
            for (String db : List.of("db_wal_log", "db_file_copy")) {
                run(a, db, "CREATE TABLE d (id int PRIMARY KEY, v text)",
                        "INSERT INTO d SELECT g, 'row' FROM generate_series(1, 700) g",
                        "CREATE TABLE d_elsewhere (id int) TABLESPACE pg_default", "INSERT INTO d_elsewhere VALUES (1), (2)");
            }
            dumpA = Computes.dumpall(a);
            a.stop("fast");
        }
        Ingest ingest = new Ingest(store, tl);
        WalDirectoryIngest.ingest(ingest, a.walDir());
        assertThat(ingest.failure()).isNull();
        assertThat(new Timeline(store, tl).tablespaces(ingest.position().end())).hasSize(3)
                .containsValues(imported.toString(), located.toString(), "");

        try (PgCluster b = Computes.startFromBasebackup(store, tl, null, scratch, "b", log)) {
            Computes.assertSameDatabase(withoutLocations(dumpA), withoutLocations(Computes.dumpall(b)));
            ProcessResult check = Computes.amcheck(b);
            assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
            assertThat(check.stdout()).isEmpty();
            for (String row : b.psql("SELECT oid || ' ' || spcname || ' ' || pg_tablespace_location(oid) FROM pg_tablespace"
                    + " WHERE spcname LIKE 'ts_%' ORDER BY spcname").split("\n")) {
                String[] f = row.split(" ");
                // every tablespace lives in place in the disposable data directory, whatever its location was
                assertThat(f).as(row).hasSize(3);
                assertThat(f[2]).isEqualTo("pg_tblspc/" + f[0]);
                Path dir = b.dataDir().resolve(f[2]);
                assertThat(Files.isDirectory(dir) && !Files.isSymbolicLink(dir)).as(dir.toString()).isTrue();
            }
            assertThat(b.psql("SELECT string_agg(spcname, ',' ORDER BY spcname) FROM pg_tablespace"))
                    .isEqualTo("pg_default,pg_global,ts_imported,ts_inplace,ts_located");
            assertThat(b.psql("SELECT count(*), sum(length(v)) FROM t_inplace WHERE v >= 'x'")).isEqualTo("2990|448500");
            assertThat(b.psql("db_moved", "SELECT count(*) FROM m")).isEqualTo("1000");
            // the server writes to its in-place tablespaces, and can empty one and drop it
            run(b, "postgres", "INSERT INTO t_moved VALUES (2001, 'after b')", "DROP DATABASE db_wal_log",
                    "ALTER TABLE t_moved SET TABLESPACE pg_default", "ALTER INDEX t_inplace_pkey SET TABLESPACE pg_default",
                    "DROP TABLESPACE ts_located");
            b.stop("fast");
            WalDirectoryIngest.ingest(ingest, b.walDir());
            assertThat(ingest.failure()).isNull();
        }
        try (PgCluster c = Computes.startFromBasebackup(store, tl, null, scratch, "c", log)) {
            assertThat(c.psql("SELECT string_agg(spcname, ',' ORDER BY spcname) FROM pg_tablespace"))
                    .isEqualTo("pg_default,pg_global,ts_imported,ts_inplace");
            assertThat(c.psql("SELECT count(*) FROM t_moved WHERE v = 'after b'")).isEqualTo("1");
            assertThat(c.psql("SELECT count(*) FROM in_imported")).isEqualTo("600");
            try (var dirs = Files.list(c.dataDir().resolve("pg_tblspc"))) {
                assertThat(dirs.map(p -> p.getFileName().toString()).sorted().toList()).hasSize(2);
            }
            ProcessResult check = Computes.amcheck(c);
            assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        }
    }

    /**
     * The import users run (`cairn timeline create --import-from`) copies the directory first: the copy
     * takes each tablespace in place (the source's location is never written), and the import takes it.
     */
    private void importedThroughStockRecovery(Path source) throws Exception {
        Path copy = StockRecovery.recover(PgBinaries.locate(), source, Files.createDirectories(scratch.resolve("recovery")));
        try (var links = Files.list(copy.resolve("pg_tblspc"))) {
            Path ts = links.findFirst().orElseThrow();
            assertThat(Files.isDirectory(ts) && !Files.isSymbolicLink(ts)).as(ts.toString()).isTrue();
        }
        TimelineKey copied = new TimelineKey(tl.tenant(), Id128.random());
        DataDirImport.run(store, copied, copy);
        assertThat(new Timeline(store, copied).tablespaces(new Timeline(store, copied).position().end()).values())
                .containsExactly("");
        try (PgCluster pg = Computes.startFromBasebackup(store, copied, null, scratch, "copied", log)) {
            assertThat(pg.psql("SELECT count(*) FROM in_imported")).isEqualTo("500");
        }
    }

    /** Each statement on its own (CREATE/DROP TABLESPACE and DATABASE refuse transaction blocks). */
    private static void run(PgCluster pg, String db, String... statements) {
        for (String sql : statements) {
            pg.psql(db, sql);
        }
    }

    /** An empty directory the server user owns, for CREATE TABLESPACE ... LOCATION. */
    private Path location(String name) throws Exception {
        Path dir = scratch.resolve("locations").resolve(name);
        Files.createDirectories(dir);
        ServerUser.current().own(scratch.resolve("locations"));
        return dir;
    }

    /** pg_dumpall prints each tablespace's location, which a new server has in place under pg_tblspc. */
    private static String withoutLocations(String dump) {
        return dump.replaceAll("(?m)^(CREATE TABLESPACE \\S+ OWNER \\S+) LOCATION '[^']*';$", "$1 LOCATION <location>;");
    }
}
