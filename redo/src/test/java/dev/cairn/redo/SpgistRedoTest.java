package dev.cairn.redo;

import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SP-GiST redo against PostgreSQL's own images: quad-tree and k-d tree point indexes and a radix tree on text,
 * grown from empty (leaf insertion, moves, picksplits, new nodes, prefix splits), then vacuumed (dead and
 * placeholder tuples, moved leaves, redirects turned into placeholders, the root as a leaf), each redone block
 * compared with the image stock PostgreSQL 15 logged with it.
 */
class SpgistRedoTest extends WorkloadAgainstImages {
    @Override
    Map<String, String> settings() {
        return AS_ON_COMPUTES;
    }

    @Override
    ReplayOracle newOracle() {
        return ReplayOracle.byBlockId(RmgrId.SPGIST);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        cluster.sql("CREATE TABLE sp (id int, p point, t text)");
        cluster.sql("CREATE INDEX sp_quad ON sp USING spgist (p)");
        cluster.sql("CREATE INDEX sp_kd ON sp USING spgist (p kd_point_ops)");
        cluster.sql("CREATE INDEX sp_text ON sp USING spgist (t)");
        // Scrambled points and words sharing long prefixes: leaf pages fill and split (PICKSPLIT, MOVE_LEAFS),
        // inner tuples gain nodes (ADD_NODE) and the radix tree splits prefixes (SPLIT_TUPLE).
        cluster.sql("INSERT INTO sp SELECT g, point((g * 7919) % 10007, (g * 1013) % 10009),"
                + " 'prefix/' || ((g * 7919) % 97) || '/' || md5(g::text) FROM generate_series(1, 15000) g");
        cluster.sql("INSERT INTO sp SELECT g, point(g % 5, g % 3), 'pre' || (g % 13) FROM generate_series(1, 2000) g");

        // VACUUM after deletions: dead and placeholder tuples (VACUUM_LEAF) and old redirects made placeholders
        // (VACUUM_REDIRECT); a small index whose root is still a leaf (VACUUM_ROOT).
        cluster.sql("DELETE FROM sp WHERE id % 3 = 0 OR id BETWEEN 5000 AND 9000");
        cluster.sql("VACUUM sp");
        cluster.sql("CREATE TABLE tiny (p point)");
        cluster.sql("CREATE INDEX tiny_p ON tiny USING spgist (p)");
        cluster.sql("INSERT INTO tiny SELECT point(g, g) FROM generate_series(1, 50) g");
        cluster.sql("DELETE FROM tiny WHERE p[0] < 20");
        cluster.sql("VACUUM tiny");
        cluster.sql("INSERT INTO sp SELECT g, point((g * 31) % 1000, (g * 17) % 1000), 'again' || g"
                + " FROM generate_series(1, 3000) g");
        cluster.sql("VACUUM sp");
    }

    @Test
    void everySpgistRecordTypeAndBlockIsVerified() {
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "SPGist/ADD_LEAF block 0", "SPGist/ADD_LEAF block 1",
                "SPGist/MOVE_LEAFS block 0", "SPGist/MOVE_LEAFS block 1", "SPGist/MOVE_LEAFS block 2",
                "SPGist/ADD_NODE block 0", "SPGist/ADD_NODE block 1",
                "SPGist/SPLIT_TUPLE block 0", "SPGist/SPLIT_TUPLE block 1",
                "SPGist/PICKSPLIT block 0", "SPGist/PICKSPLIT block 1", "SPGist/PICKSPLIT block 2",
                "SPGist/PICKSPLIT block 3",
                "SPGist/VACUUM_LEAF block 0", "SPGist/VACUUM_ROOT block 0", "SPGist/VACUUM_REDIRECT block 0");
        assertThat(oracle.verified().get("SPGist/ADD_LEAF")).isGreaterThan(10_000);
    }
}
