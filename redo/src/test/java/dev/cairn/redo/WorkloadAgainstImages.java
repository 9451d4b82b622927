package dev.cairn.redo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

/**
 * A workload on stock PostgreSQL 15 that logs every block's image ({@link ConsistencyCheckedCluster}), replayed
 * in Java once for the whole class: each redone block must equal the image PostgreSQL logged with it, after
 * masking. Subclasses give the workload and assert which record types and paths it reached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkloadAgainstImages {
    /** A compute's WAL settings: no full-page writes, so that blocks PostgreSQL would back up are redone. */
    static final Map<String, String> AS_ON_COMPUTES = Map.of("wal_compression", "lz4", "full_page_writes", "off");

    private ConsistencyCheckedCluster cluster;
    /** The replay, available to the subclass's tests. */
    ReplayOracle oracle;

    /** Server settings beyond the cluster's own. */
    Map<String, String> settings() {
        return Map.of("wal_compression", "lz4");
    }

    /** The oracle to replay into (one that counts variants of interest). */
    ReplayOracle newOracle() {
        return new ReplayOracle();
    }

    abstract void workload(ConsistencyCheckedCluster cluster);

    @BeforeAll
    void replayWorkload() {
        cluster = ConsistencyCheckedCluster.start(false, settings());
        workload(cluster);
        oracle = cluster.replay(newOracle()).print();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyRedoneBlockMatchesPostgresImage() {
        oracle.requireClean();
    }
}
