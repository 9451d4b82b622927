package dev.cairn.redo;

import dev.cairn.pgformat.wal.WalWorkload;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verify mode over whole workloads, as the pageserver runs it: every block of a resource manager with Java redo
 * is redone on its previous version and compared with PostgreSQL's image, masked. Counts per record type are
 * printed; a single mismatch fails.
 */
class WorkloadRedoTest {
    @Test
    void pgbench() {
        try (ConsistencyCheckedCluster cluster = ConsistencyCheckedCluster.start(false, Map.of("wal_compression", "lz4"))) {
            cluster.pg().tool("pgbench", java.util.List.of("-h", "127.0.0.1", "-p", Integer.toString(cluster.pg().port()),
                    "-U", "postgres", "-i", "-q", "-s", "2", "postgres"), 300).requireSuccess("pgbench -i");
            cluster.pg().tool("pgbench", java.util.List.of("-h", "127.0.0.1", "-p", Integer.toString(cluster.pg().port()),
                    "-U", "postgres", "-n", "-c", "4", "-j", "2", "-t", "2500", "postgres"), 600).requireSuccess("pgbench");
            cluster.sql("VACUUM pgbench_accounts");
            ReplayOracle oracle = cluster.replay();
            System.out.println("pgbench: " + oracle.summary());
            oracle.requireClean();
            assertThat(oracle.verified().get("Heap/HOT_UPDATE")).isGreaterThan(10_000);
            // pgbench -i builds its primary keys sorted (images); the run's non-HOT updates insert into them
            assertThat(oracle.verified().get("Btree/INSERT_LEAF")).isGreaterThan(1_000);
            assertThat(oracle.verifiedTotal()).isGreaterThan(50_000);
        }
    }

    /** pg-format's WAL-oracle workload: every kind of record the storage tier must understand, all index AMs. */
    @Test
    void walOracleWorkload() {
        try (ConsistencyCheckedCluster cluster = ConsistencyCheckedCluster.start(true,
                Map.of("max_prepared_transactions", "5", "wal_compression", "lz4"))) {
            WalWorkload.run(cluster.pg(), "redo");
            ReplayOracle oracle = cluster.replay();
            System.out.println("WAL-oracle workload: " + oracle.summary());
            oracle.requireClean();
            assertThat(oracle.verifiedTotal()).isGreaterThan(10_000);
        }
    }
}
