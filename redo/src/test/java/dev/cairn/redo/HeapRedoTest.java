package dev.cairn.redo;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap and heap2 redo against PostgreSQL's own images: a workload that makes stock PostgreSQL 15 write every
 * block-changing heap record type, replayed in Java, each redone block compared with the image logged with it.
 */
class HeapRedoTest extends WorkloadAgainstImages {
    @Override
    Map<String, String> settings() {
        return Map.of();
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        cluster.sql("CREATE TABLE t (id int PRIMARY KEY, pad text, n int)");
        cluster.sql("INSERT INTO t SELECT g, repeat('x', g % 50), 0 FROM generate_series(1, 2000) g");
        cluster.sql("CHECKPOINT");
        // same-page updates after the page's full-page write: prefix/suffix compression
        cluster.sql("UPDATE t SET n = n + 1 WHERE id % 7 = 0");
        cluster.sql("UPDATE t SET n = n + 1 WHERE id % 7 = 0");
        // non-HOT (indexed column) and cross-page updates
        cluster.sql("UPDATE t SET id = id + 100000 WHERE id % 97 = 0");
        cluster.sql("UPDATE t SET pad = repeat('y', 500) WHERE id % 89 = 0");
        cluster.sql("DELETE FROM t WHERE id % 5 = 0");
        cluster.sql("BEGIN; SELECT * FROM t WHERE id < 50 FOR UPDATE; SELECT * FROM t WHERE id BETWEEN 50 AND 90 FOR SHARE;"
                + " SELECT * FROM t WHERE id BETWEEN 90 AND 120 FOR KEY SHARE; COMMIT");
        // a multixact: a share lock, then an update in a subtransaction of the same transaction
        cluster.sql("BEGIN; SELECT * FROM t WHERE id = 201 FOR SHARE; SAVEPOINT s; UPDATE t SET n = 9 WHERE id = 201; COMMIT");
        // speculative insertion: confirm, and super-deletes never happen without concurrency
        cluster.sql("INSERT INTO t VALUES (3, 'c', 0) ON CONFLICT (id) DO UPDATE SET n = t.n + 10");
        cluster.sql("INSERT INTO t VALUES (999999, 'new', 0) ON CONFLICT (id) DO NOTHING");
        cluster.sql("COPY t FROM PROGRAM 'seq 300000 303000 | sed -e \"s/$/\\tcopied\\t1/\"'");
        cluster.sql("CREATE TABLE frozen (v int)");
        cluster.sql("BEGIN; TRUNCATE frozen; COPY frozen FROM PROGRAM 'seq 1 2000' WITH (FREEZE); COMMIT");
        cluster.sql("VACUUM t");
        cluster.sql("VACUUM (FREEZE) t");
        cluster.sql("DELETE FROM t WHERE id % 3 = 0");
        cluster.sql("UPDATE t SET n = n + 1 WHERE id % 11 = 0");
        cluster.sql("SELECT count(*) FROM t"); // on-access pruning
        cluster.sql("VACUUM (FREEZE, DISABLE_PAGE_SKIPPING) t");
        // partition move: a delete marked as moved to another partition
        cluster.sql("CREATE TABLE p (k int, v text) PARTITION BY RANGE (k)");
        cluster.sql("CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (100)");
        cluster.sql("CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (100) TO (200)");
        cluster.sql("INSERT INTO p SELECT g, 'v' FROM generate_series(0, 99) g");
        cluster.sql("UPDATE p SET k = k + 100 WHERE k < 10");
        // sequences and generic WAL (bloom)
        cluster.sql("CREATE SEQUENCE s CACHE 1");
        cluster.sql("SELECT nextval('s') FROM generate_series(1, 100)");
        cluster.sql("CREATE EXTENSION bloom");
        cluster.sql("CREATE INDEX t_bloom ON t USING bloom (n)");
        cluster.sql("INSERT INTO t SELECT g, 'b', g FROM generate_series(400000, 401000) g");
        cluster.sql("ANALYZE t"); // in-place updates of pg_class
    }

    @Test
    void everyHeapRecordTypeIsCovered() {
        assertThat(oracle.verified()).as(oracle.summary()).containsKeys(
                "Heap/INSERT", "Heap/INSERT+INIT", "Heap/UPDATE", "Heap/HOT_UPDATE", "Heap/DELETE", "Heap/LOCK",
                "Heap/HEAP_CONFIRM", "Heap/INPLACE",
                "Heap2/PRUNE", "Heap2/VACUUM", "Heap2/FREEZE_PAGE", "Heap2/VISIBLE", "Heap2/MULTI_INSERT",
                "Heap2/MULTI_INSERT+INIT", "Sequence/LOG", "Generic/Generic");
        assertThat(oracle.verified().get("Heap/INSERT")).isGreaterThan(1000);
    }
}
