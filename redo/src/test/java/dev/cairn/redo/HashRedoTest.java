package dev.cairn.redo;

import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hash index redo against PostgreSQL's own images: an index grown from empty through bucket splits and overflow
 * chains of duplicate keys, pruned of dead tuples by inserts, then vacuumed (deletion, squeezing of overflow
 * chains, metapage update), each redone block compared with the image stock PostgreSQL 15 logged with it.
 */
class HashRedoTest extends WorkloadAgainstImages {
    @Override
    Map<String, String> settings() {
        // full_page_writes off, as on a compute: the overflow page a squeeze frees is re-initialised before it is
        // logged (LSN 0), so with full-page writes on it would always come as an image to restore, never redone.
        return AS_ON_COMPUTES;
    }

    @Override
    ReplayOracle newOracle() {
        return ReplayOracle.byBlockId(RmgrId.HASH);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        // Built empty (INIT_META_PAGE, INIT_BITMAP_PAGE), then grown: distinct keys split buckets (SPLIT_ALLOCATE,
        // SPLIT_PAGE, SPLIT_COMPLETE); ten keys repeated thousands of times make overflow chains (ADD_OVFL_PAGE).
        cluster.sql("CREATE TABLE h (id int, k int, d int)");
        cluster.sql("CREATE INDEX h_k ON h USING hash (k)");
        cluster.sql("CREATE INDEX h_d ON h USING hash (d)");
        cluster.sql("INSERT INTO h SELECT g, g, g % 10 FROM generate_series(1, 12000) g");

        // Dead tuples marked by an index scan, then removed by an insert into their full page (VACUUM_ONE_PAGE).
        cluster.sql("DELETE FROM h WHERE d = 3 AND id < 6000");
        cluster.sql("SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM h WHERE d = 3");
        cluster.sql("INSERT INTO h SELECT g, g, 3 FROM generate_series(20001, 20400) g");

        // VACUUM: dead tuples deleted page by page (DELETE), the chains squeezed (MOVE_PAGE_CONTENTS,
        // SQUEEZE_PAGE), the split buckets cleaned (SPLIT_CLEANUP), the tuple count updated (UPDATE_META_PAGE).
        cluster.sql("DELETE FROM h WHERE id % 4 <> 0");
        cluster.sql("VACUUM h");
        // Overflow pages freed by the squeeze are taken again (ADD_OVFL_PAGE finding a free bit).
        cluster.sql("INSERT INTO h SELECT g, g, g % 10 FROM generate_series(30001, 36000) g");
    }

    @Test
    void everyHashRecordTypeAndBlockIsVerified() {
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "Hash/INIT_META_PAGE block 0", "Hash/INIT_BITMAP_PAGE block 0", "Hash/INIT_BITMAP_PAGE block 1",
                "Hash/INSERT block 0", "Hash/INSERT block 1",
                "Hash/ADD_OVFL_PAGE block 0", "Hash/ADD_OVFL_PAGE block 1", "Hash/ADD_OVFL_PAGE block 2",
                "Hash/ADD_OVFL_PAGE block 4",
                "Hash/SPLIT_ALLOCATE_PAGE block 0", "Hash/SPLIT_ALLOCATE_PAGE block 1",
                "Hash/SPLIT_ALLOCATE_PAGE block 2", "Hash/SPLIT_COMPLETE block 0", "Hash/SPLIT_COMPLETE block 1",
                "Hash/MOVE_PAGE_CONTENTS block 1", "Hash/MOVE_PAGE_CONTENTS block 2",
                "Hash/SQUEEZE_PAGE block 0", "Hash/SQUEEZE_PAGE block 1", "Hash/SQUEEZE_PAGE block 2",
                "Hash/SQUEEZE_PAGE block 3", "Hash/SQUEEZE_PAGE block 5", "Hash/SQUEEZE_PAGE block 6",
                "Hash/DELETE block 0", "Hash/DELETE block 1", "Hash/SPLIT_CLEANUP block 0",
                "Hash/UPDATE_META_PAGE block 0", "Hash/VACUUM_ONE_PAGE block 0", "Hash/VACUUM_ONE_PAGE block 1");
        assertThat(oracle.verified().get("Hash/INSERT")).isGreaterThan(10_000);
        assertThat(oracle.seen()).as(oracle.summary()).containsKey("Hash/SPLIT_PAGE");
    }
}
