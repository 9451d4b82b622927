package dev.cairn.pageserver;

import dev.cairn.pgruntime.PgCluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The mixed workload a compute runs before its state must survive the trip
 * through the pageserver: every kind of WAL whose effect the pageserver
 * materialises (images of all index AMs, CLOG with subtransactions and 2PC,
 * multixacts, relmapper, smgr create/truncate, both CREATE DATABASE
 * strategies, DROP DATABASE, sequences, TOAST, unlogged and temp tables).
 */
final class Workload {
    /** Rows with this marker must never be readable in the pageserver's files. */
    final String marker = "CAIRN-PLAINTEXT-MARKER-" + Long.toHexString(System.nanoTime());

    private Workload() {
    }

    static Workload run(PgCluster pg) throws SQLException {
        Workload w = new Workload();
        w.execute(pg);
        return w;
    }

    private void execute(PgCluster pg) throws SQLException {
        Computes.pgbench(pg, "-i", "-s", "1", "-q");
        Computes.pgbench(pg, "-c", "2", "-j", "2", "-t", "150", "-n");
        try (Connection c = Computes.connect(pg, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE secrets (id serial PRIMARY KEY, v text)");
            s.execute("INSERT INTO secrets (v) SELECT '" + marker + " ' || g FROM generate_series(1, 200) g");

            s.execute("CREATE TABLE docs (id serial PRIMARY KEY, tags text[], body tsvector, pos point, created date, payload text)");
            insertDocs(s, 1, 4000);
            s.execute("CREATE INDEX docs_tags_gin ON docs USING gin (tags)");
            s.execute("CREATE INDEX docs_body_gin ON docs USING gin (body)");
            s.execute("CREATE INDEX docs_pos_gist ON docs USING gist (pos)");
            s.execute("CREATE INDEX docs_created_brin ON docs USING brin (created) WITH (pages_per_range = 4)");
            s.execute("CREATE INDEX docs_payload_hash ON docs USING hash (payload)");
            s.execute("CREATE INDEX docs_payload_btree ON docs (payload, created)");
            s.execute("CREATE INDEX docs_pos_spgist ON docs USING spgist (pos)");
            s.execute("CREATE INDEX docs_payload_spgist ON docs USING spgist (payload)");
            insertDocs(s, 4001, 9000); // incremental index WAL: page splits of every AM
            s.execute("UPDATE docs SET tags = tags || 'x'::text WHERE id % 5 = 0");
            s.execute("DELETE FROM docs WHERE id % 11 = 0");
            s.execute("VACUUM docs");

            // TRUNCATE: a new relfilenode; in the creating transaction, an in-place smgr truncate
            s.execute("CREATE TABLE tr AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 3000) g");
            s.execute("TRUNCATE tr");
            s.execute("INSERT INTO tr SELECT g, 'after ' || g FROM generate_series(1, 50) g");
            c.setAutoCommit(false);
            s.execute("CREATE TABLE tr_same_xact (id int, v text)");
            s.execute("INSERT INTO tr_same_xact SELECT g, md5(g::text) FROM generate_series(1, 3000) g");
            s.execute("TRUNCATE tr_same_xact");
            s.execute("INSERT INTO tr_same_xact VALUES (1, 'kept')");
            c.commit();
            c.setAutoCommit(true);
            // VACUUM cuts empty pages off the end: main, FSM and VM truncation
            s.execute("CREATE TABLE shrink AS SELECT g AS id, repeat('s', 200) AS pad FROM generate_series(1, 20000) g");
            s.execute("VACUUM shrink");
            s.execute("DELETE FROM shrink WHERE id > 1500");
            s.execute("VACUUM shrink");
            s.execute("INSERT INTO shrink SELECT g, 'again' FROM generate_series(30001, 30100) g");

            // VACUUM FULL: rewrites; of a mapped catalog, a relmapper update
            s.execute("VACUUM FULL pgbench_branches");
            s.execute("VACUUM FULL pg_class");
            s.execute("VACUUM FULL docs");
            // after the rebuild (full-page images of every index), changes again by each index AM's own records
            insertDocs(s, 9001, 12000);
            s.execute("DELETE FROM docs WHERE id % 17 = 0");
            s.execute("VACUUM docs");

            // sequences
            s.execute("CREATE SEQUENCE counter INCREMENT 3");
            for (int i = 0; i < 70; i++) {
                s.execute("SELECT nextval('counter')");
            }

            // TOAST over 1 MB, stored uncompressed
            s.execute("CREATE TABLE big (id int PRIMARY KEY, doc text)");
            s.execute("ALTER TABLE big ALTER doc SET STORAGE EXTERNAL");
            s.execute("INSERT INTO big SELECT 1, string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 40000) g");
            s.execute("INSERT INTO big SELECT 2, repeat('toast', 300000)");

            // subtransactions with rollbacks, more than 64 of them (assignment records), and an aborted parent
            s.execute("CREATE TABLE sub (id int, note text)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO sub VALUES (1, 'top')");
            s.execute("SAVEPOINT a");
            s.execute("INSERT INTO sub VALUES (2, 'rolled back')");
            s.execute("ROLLBACK TO a");
            s.execute("INSERT INTO sub VALUES (3, 'after rollback')");
            for (int i = 0; i < 80; i++) {
                s.execute("SAVEPOINT s" + i);
                s.execute("INSERT INTO sub VALUES (" + (100 + i) + ", 'sp')");
                if (i % 3 == 0) {
                    s.execute("ROLLBACK TO s" + i);
                } else {
                    s.execute("RELEASE s" + i);
                }
            }
            c.commit();
            s.execute("INSERT INTO sub VALUES (4, 'aborted parent')");
            s.execute("SAVEPOINT x");
            s.execute("INSERT INTO sub VALUES (5, 'aborted child')");
            c.rollback();
            c.setAutoCommit(true);

            // two-phase commit: one committed, one rolled back, one left prepared across the restart
            s.execute("CREATE TABLE twopc (id int, v text)");
            for (String[] p : new String[][] {{"cairn_commit", "COMMIT PREPARED"}, {"cairn_rollback", "ROLLBACK PREPARED"},
                    {"cairn_open", null}}) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO twopc VALUES (1, '" + p[0] + "')");
                s.execute("SAVEPOINT sp");
                s.execute("INSERT INTO twopc VALUES (2, '" + p[0] + "')");
                s.execute("PREPARE TRANSACTION '" + p[0] + "'");
                c.setAutoCommit(true);
                if (p[1] != null) {
                    s.execute(p[1] + " '" + p[0] + "'");
                }
            }

            // multixacts: two transactions share row locks
            s.execute("CREATE TABLE mx (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO mx SELECT g, 'm' FROM generate_series(1, 100) g");
            try (Connection c2 = Computes.connect(pg, "postgres"); Statement s2 = c2.createStatement()) {
                c.setAutoCommit(false);
                c2.setAutoCommit(false);
                s.executeQuery("SELECT * FROM mx WHERE id <= 40 FOR SHARE").close();
                s2.executeQuery("SELECT * FROM mx WHERE id <= 60 FOR KEY SHARE").close();
                s2.execute("UPDATE mx SET v = 'updated under lock' WHERE id = 50");
                c.commit();
                c2.commit();
                c.setAutoCommit(true);
            }

            // unlogged (init fork only at the pageserver) and temporary tables
            s.execute("CREATE UNLOGGED TABLE ul (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO ul SELECT g, 'u' FROM generate_series(1, 500) g");
            s.execute("CREATE TEMP TABLE tmp AS SELECT g FROM generate_series(1, 1000) g");

            // databases: both strategies, and one dropped
            s.execute("CREATE DATABASE db_wal STRATEGY wal_log");
            s.execute("CREATE DATABASE db_copy STRATEGY file_copy");
            s.execute("CREATE DATABASE db_gone");
            s.execute("DROP DATABASE db_gone");
        }
        for (String db : new String[] {"db_wal", "db_copy"}) {
            try (Connection c = Computes.connect(pg, db); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t_" + db + " (id serial PRIMARY KEY, v text)");
                s.execute("INSERT INTO t_" + db + " (v) SELECT md5(g::text) FROM generate_series(1, 2000) g");
                s.execute("CREATE INDEX ON t_" + db + " (v)");
            }
        }
    }

    private static void insertDocs(Statement s, int from, int to) throws SQLException {
        s.execute("INSERT INTO docs (tags, body, pos, created, payload) SELECT ARRAY['t' || (g % 10), 'u' || (g % 7)], "
                + "to_tsvector('simple', 'word' || g || ' other' || (g % 13)), point(g % 100, g / 100), "
                + "date '2024-01-01' + g % 365, md5(g::text) FROM generate_series(" + from + ", " + to + ") g");
    }
}
