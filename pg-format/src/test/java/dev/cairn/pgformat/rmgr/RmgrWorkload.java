package dev.cairn.pgformat.rmgr;

import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgCluster;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes stock PostgreSQL write each record kind the rmgr decoders interpret,
 * and records what SQL says about them (xids, oids, relfilenodes, gids,
 * timestamps) so the decoded WAL can be checked against those facts.
 * Needs autovacuum off (so nothing else touches the visibility map),
 * track_commit_timestamp on, wal_level logical and max_prepared_transactions > 0.
 */
final class RmgrWorkload {
    /** Facts learned from SQL while the WAL was written. Xids and oids are unsigned, as longs. */
    record Facts(long dbOid, long tableFilenode,
                 long subxactTop, List<Long> subxacts, BigDecimal subxactCommitEpoch,
                 long abortedXid, long abortedFilenode, long abortedRelOid,
                 long preparedCommitXid, BigDecimal preparedAtEpoch, long preparedAbortXid, long preparedAbortFilenode,
                 long walLogDbOid, long fileCopyDbOid,
                 long truncatedOldFilenode, long truncatedNewFilenode,
                 long vacuumTruncatedFilenode, long vacuumTruncatedBlocks,
                 long shareLockerA, long shareLockerB, long multiXactId,
                 Lsn backupStart) {
    }

    private final PgCluster pg;
    private final Path tablespaceDir;

    /** {@code tablespaceDir} must exist, be empty and belong to the server user. */
    RmgrWorkload(PgCluster pg, Path tablespaceDir) {
        this.pg = pg;
        this.tablespaceDir = tablespaceDir;
    }

    private String one(String sql) {
        return pg.psql(sql).lines().findFirst().orElseThrow(() -> new IllegalStateException("no row: " + sql));
    }

    private long number(String sql) {
        return Long.parseLong(one(sql).strip());
    }

    Facts run() {
        long db = number("SELECT oid FROM pg_database WHERE datname = current_database()");
        pg.psql("CREATE EXTENSION pg_visibility");
        pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text)");
        pg.psql("INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g");
        pg.psql("VACUUM (FREEZE) t"); // heap2 VISIBLE sets both VM bits on every page
        long tFilenode = number("SELECT pg_relation_filenode('t')");

        // Row locks and changes on all-frozen pages: each clears VM bits without registering the VM page.
        pg.psql("BEGIN; SELECT id FROM t WHERE id = 300 FOR UPDATE; COMMIT");
        pg.psql("DELETE FROM t WHERE id = 600");
        pg.psql("UPDATE t SET v = 'y' WHERE id = 5");

        // A commit with two subtransactions; the rows' xmin reveal the subxact xids.
        pg.psql("BEGIN; INSERT INTO t VALUES (2001, 'a'); SAVEPOINT a; INSERT INTO t VALUES (2002, 'b');"
                + " SAVEPOINT b; INSERT INTO t VALUES (2003, 'c'); RELEASE b; COMMIT");
        long top = number("SELECT xmin::text::bigint FROM t WHERE id = 2001");
        List<Long> subs = List.of(number("SELECT xmin::text::bigint FROM t WHERE id = 2002"),
                number("SELECT xmin::text::bigint FROM t WHERE id = 2003"));
        BigDecimal commitEpoch = new BigDecimal(one("SELECT extract(epoch FROM pg_xact_commit_timestamp('"
                + top + "'::xid))"));

        // An abort that drops the relation it created.
        String aborted = pg.psql("BEGIN; CREATE TABLE dropme (a int); SELECT txid_current(),"
                + " pg_relation_filenode('dropme'), 'dropme'::regclass::oid; ROLLBACK");
        String[] ab = aborted.lines().findFirst().orElseThrow().split("\\|");

        // Two-phase commit, both outcomes.
        long prepCommit = number("BEGIN; INSERT INTO t VALUES (3001, 'p'); SELECT txid_current();"
                + " PREPARE TRANSACTION 'cairn_commit'");
        BigDecimal preparedAt = new BigDecimal(one("SELECT extract(epoch FROM prepared) FROM pg_prepared_xacts"
                + " WHERE gid = 'cairn_commit'"));
        pg.psql("COMMIT PREPARED 'cairn_commit'");
        String prepAbort = pg.psql("BEGIN; CREATE TABLE tp (a int); SELECT txid_current(), pg_relation_filenode('tp');"
                + " PREPARE TRANSACTION 'cairn_abort'");
        String[] pa = prepAbort.lines().findFirst().orElseThrow().split("\\|");
        pg.psql("ROLLBACK PREPARED 'cairn_abort'");

        // Two sessions share-lock one row at once: a multixact with two members.
        String share = "BEGIN; SELECT txid_current(); SELECT id FROM t WHERE id = 700 FOR SHARE;"
                + " SELECT pg_sleep(1); COMMIT";
        List<Long> lockers = new ArrayList<>();
        try (ExecutorService sessions = Executors.newFixedThreadPool(2)) {
            Future<String> a = sessions.submit(() -> pg.psql(share));
            Future<String> b = sessions.submit(() -> pg.psql(share));
            for (Future<String> f : List.of(a, b)) {
                lockers.add(Long.parseLong(f.get().lines().findFirst().orElseThrow().strip()));
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("concurrent FOR SHARE sessions failed", e);
        }
        long multi = number("SELECT xmax::text::bigint FROM t WHERE id = 700");

        pg.psql("CREATE DATABASE rmgr_wal_log STRATEGY wal_log");
        pg.psql("CREATE DATABASE rmgr_file_copy STRATEGY file_copy");
        long walLogDb = number("SELECT oid FROM pg_database WHERE datname = 'rmgr_wal_log'");
        long fileCopyDb = number("SELECT oid FROM pg_database WHERE datname = 'rmgr_file_copy'");
        pg.psql("DROP DATABASE rmgr_file_copy");

        pg.psql("CREATE TABLE tt AS SELECT g FROM generate_series(1, 100) g");
        long oldTt = number("SELECT pg_relation_filenode('tt')");
        pg.psql("TRUNCATE tt");
        long newTt = number("SELECT pg_relation_filenode('tt')");

        pg.psql("CREATE TABLE tr AS SELECT g FROM generate_series(1, 3000) g");
        pg.psql("DELETE FROM tr WHERE g > 500");
        pg.psql("VACUUM tr"); // cuts the emptied tail: smgr TRUNCATE
        long trFilenode = number("SELECT pg_relation_filenode('tr')");
        long trBlocks = number("SELECT pg_relation_size('tr') / 8192");

        pg.psql("VACUUM FULL pg_class"); // mapped catalog: relmap UPDATE

        // Other rmgrs, so record type names are checked beyond the decoded ones.
        pg.psql("CREATE TABLE idx AS SELECT g AS n, ARRAY[g % 7] AS tags, point(g, g) AS pos, md5(g::text) AS s"
                + " FROM generate_series(1, 2000) g");
        pg.psql("CREATE INDEX ON idx USING hash (n)");
        pg.psql("CREATE INDEX ON idx USING brin (n)");
        pg.psql("CREATE INDEX ON idx USING gin (tags)");
        pg.psql("CREATE INDEX ON idx USING gist (pos)");
        pg.psql("CREATE INDEX ON idx USING spgist (s)");
        pg.psql("CREATE EXTENSION bloom");
        pg.psql("CREATE INDEX ON idx USING bloom (n)"); // Generic WAL
        pg.psql("INSERT INTO idx SELECT g, ARRAY[g], point(g, 0), md5(g::text) FROM generate_series(2001, 2100) g");
        pg.psql("CREATE SEQUENCE seq");
        pg.psql("SELECT nextval('seq')");
        pg.psql("SELECT pg_logical_emit_message(true, 'cairn', 'hello')");

        // A commit carrying a replication origin.
        pg.psql("SELECT pg_replication_origin_create('cairn_origin')");
        pg.psql("SELECT pg_replication_origin_session_setup('cairn_origin'); BEGIN;"
                + " SELECT pg_replication_origin_xact_setup('0/ABCDEF', now()); INSERT INTO t VALUES (5001, 'o'); COMMIT");
        pg.psql("SELECT pg_replication_origin_advance('cairn_origin', '0/ABCDF0')");

        // Relations in a non-default tablespace print as pg_tblspc/... paths.
        pg.psql("CREATE TABLESPACE rmgr_ts LOCATION '" + tablespaceDir + "'");
        pg.psql("CREATE TABLE in_ts (a int) TABLESPACE rmgr_ts");
        pg.psql("INSERT INTO in_ts VALUES (1)");
        pg.psql("DROP TABLE in_ts");
        pg.psql("DROP TABLESPACE rmgr_ts");

        pg.psql("SELECT pg_create_restore_point('cairn_rp')");
        Lsn backupStart = Lsn.parse(one("SELECT pg_backup_start('cairn', true); SELECT 1 FROM pg_backup_stop(false)"));
        pg.psql("ALTER SYSTEM SET full_page_writes = off");
        pg.psql("SELECT pg_reload_conf()");
        pg.psql("SELECT pg_sleep(0.3)");
        pg.psql("CHECKPOINT");
        pg.psql("ALTER SYSTEM RESET full_page_writes");
        pg.psql("SELECT pg_reload_conf()");
        pg.psql("SELECT pg_sleep(0.3)");
        pg.psql("CHECKPOINT");
        pg.psql("SELECT pg_switch_wal()");
        pg.psql("INSERT INTO t VALUES (4001, 'after switch')");

        return new Facts(db, tFilenode, top, subs, commitEpoch,
                Long.parseLong(ab[0]), Long.parseLong(ab[1]), Long.parseLong(ab[2]),
                prepCommit, preparedAt, Long.parseLong(pa[0]), Long.parseLong(pa[1]),
                walLogDb, fileCopyDb, oldTt, newTt, trFilenode, trBlocks,
                lockers.get(0), lockers.get(1), multi, backupStart);
    }
}
