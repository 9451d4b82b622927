package dev.cairn.pgformat.wal;

import dev.cairn.pgruntime.PgCluster;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A varied workload that makes stock PostgreSQL write most kinds of WAL
 * record the storage tier must understand. Re-runnable: every object name
 * carries the phase tag.
 */
public final class WalWorkload {
    private WalWorkload() {
    }

    /** Needs the server to run with max_prepared_transactions > 0. */
    public static void run(PgCluster pg, String tag) {
        String port = Integer.toString(pg.port());
        List<String> conn = List.of("-h", "127.0.0.1", "-p", port, "-U", "postgres");
        pg.tool("pgbench", concat(conn, List.of("-i", "-q", "-s", "1", "postgres")), 300).requireSuccess("pgbench -i");
        pg.tool("pgbench", concat(conn, List.of("-n", "-c", "2", "-j", "1", "-t", "150", "postgres")), 300)
                .requireSuccess("pgbench");

        String t = "docs_" + tag;
        pg.psql("CREATE TABLE " + t + " (id serial PRIMARY KEY, n int, body text, tags int[], pos point, doc tsvector)");
        pg.psql("INSERT INTO " + t + " (n, body, tags, pos, doc) SELECT g % 97, md5(g::text), ARRAY[g % 7, g % 11],"
                + " point(g % 100, g / 100), to_tsvector('simple', md5(g::text) || ' word' || (g % 13))"
                + " FROM generate_series(1, 3000) g");
        pg.psql("CREATE INDEX " + t + "_btree ON " + t + " (n)");
        pg.psql("CREATE INDEX " + t + "_gin ON " + t + " USING gin (tags)");
        pg.psql("CREATE INDEX " + t + "_gin_fts ON " + t + " USING gin (doc)");
        pg.psql("CREATE INDEX " + t + "_gist ON " + t + " USING gist (pos)");
        pg.psql("CREATE INDEX " + t + "_brin ON " + t + " USING brin (id)");
        pg.psql("CREATE INDEX " + t + "_hash ON " + t + " USING hash (n)");
        pg.psql("UPDATE " + t + " SET n = n + 1 WHERE id % 5 = 0");
        pg.psql("DELETE FROM " + t + " WHERE id % 7 = 0");
        pg.psql("VACUUM " + t);
        // After VACUUM the pages are all-visible: these updates clear visibility-map bits.
        pg.psql("UPDATE " + t + " SET n = n + 1 WHERE id % 50 = 1");
        pg.psql("VACUUM FULL " + t);
        pg.psql("VACUUM FULL pg_class");

        // Large TOASTed value (incompressible, > 1 MB).
        pg.psql("INSERT INTO " + t + " (n, body) SELECT -1, string_agg(md5(g::text || '" + tag + "'), '')"
                + " FROM generate_series(1, 40000) g");

        pg.psql("CREATE SEQUENCE seq_" + tag);
        pg.psql("SELECT count(nextval('seq_" + tag + "')) FROM generate_series(1, 200)");

        pg.psql("CREATE TABLE trunc_" + tag + " AS SELECT g FROM generate_series(1, 1000) g");
        // VACUUM cuts the emptied tail of the heap (smgr truncate); TRUNCATE swaps in a new relfilenode.
        pg.psql("DELETE FROM trunc_" + tag + " WHERE g > 300");
        pg.psql("VACUUM trunc_" + tag);
        pg.psql("TRUNCATE trunc_" + tag);
        pg.psql("CREATE UNLOGGED TABLE unlogged_" + tag + " (a int)");
        pg.psql("INSERT INTO unlogged_" + tag + " SELECT generate_series(1, 100)");

        pg.psql("BEGIN; INSERT INTO " + t + " (n) VALUES (1); SAVEPOINT a; INSERT INTO " + t + " (n) VALUES (2);"
                + " ROLLBACK TO a; SAVEPOINT b; INSERT INTO " + t + " (n) VALUES (3); RELEASE b;"
                + " SAVEPOINT c; INSERT INTO " + t + " (n) VALUES (4); COMMIT");
        pg.psql("BEGIN; INSERT INTO " + t + " (n) VALUES (5); SAVEPOINT a; INSERT INTO " + t + " (n) VALUES (6); ROLLBACK");

        pg.psql("BEGIN; INSERT INTO " + t + " (n) VALUES (7); SAVEPOINT s; INSERT INTO " + t + " (n) VALUES (8);"
                + " PREPARE TRANSACTION 'commit_" + tag + "'");
        pg.psql("COMMIT PREPARED 'commit_" + tag + "'");
        pg.psql("BEGIN; INSERT INTO " + t + " (n) VALUES (9); PREPARE TRANSACTION 'abort_" + tag + "'");
        pg.psql("ROLLBACK PREPARED 'abort_" + tag + "'");

        // Two sessions share-locking the same rows at once create multixacts.
        String share = "BEGIN; SELECT count(*) FROM (SELECT id FROM " + t + " WHERE id < 40 FOR SHARE) s;"
                + " SELECT pg_sleep(1.5); COMMIT";
        try (ExecutorService sessions = Executors.newFixedThreadPool(2)) {
            Future<String> first = sessions.submit(() -> pg.psql(share));
            Future<String> second = sessions.submit(() -> pg.psql(share));
            first.get();
            second.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("concurrent FOR SHARE sessions failed", e);
        }

        pg.psql("CREATE DATABASE walog_" + tag + " STRATEGY wal_log");
        pg.psql("CREATE DATABASE filecopy_" + tag + " STRATEGY file_copy");
        pg.psql("DROP DATABASE walog_" + tag);
        pg.psql("CHECKPOINT");
        pg.psql("SELECT pg_switch_wal()");
        pg.psql("INSERT INTO " + t + " (n) VALUES (10)");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
