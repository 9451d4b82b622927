package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GiST redo against PostgreSQL's own images: point, box, range and btree_gist text indexes grown by inserts in
 * scrambled order (leaf, internal and root splits), pruned of dead tuples, vacuumed down to deleted pages and
 * grown again onto reused pages, each redone block compared with the image stock PostgreSQL 15 logged with it.
 */
class GistRedoTest extends WorkloadAgainstImages {
    @Override
    ReplayOracle newOracle() {
        return new ReplayOracle(GistRedoTest::variant);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        // Indexes created empty, so every tuple arrives by insertion (a build logs only full-page images).
        cluster.sql("CREATE TABLE pts (id int, p point)");
        cluster.sql("CREATE INDEX pts_p ON pts USING gist (p)");
        cluster.sql("INSERT INTO pts SELECT g, point((g * 7919) % 10007, (g * 1013) % 10009)"
                + " FROM generate_series(1, 12000) g");
        cluster.sql("CREATE TABLE shapes (id int, b box, r int4range)");
        cluster.sql("CREATE INDEX shapes_b ON shapes USING gist (b)");
        cluster.sql("CREATE INDEX shapes_r ON shapes USING gist (r)");
        cluster.sql("INSERT INTO shapes SELECT g, box(point(g % 101, g % 97), point(g % 101 + g % 13, g % 97 + 5)),"
                + " int4range((g * 7919) % 10007, (g * 7919) % 10007 + g % 50 + 1) FROM generate_series(1, 6000) g");
        // Keys of ~400 bytes: a tree of three levels whose internal pages split while they take the downlinks of
        // split children (PAGE_SPLIT block 0, the child the downlink completes).
        cluster.sql("CREATE EXTENSION btree_gist");
        cluster.sql("CREATE TABLE words (id int, t text)");
        cluster.sql("CREATE INDEX words_t ON words USING gist (t)");
        cluster.sql("INSERT INTO words SELECT g, lpad(((g * 7919) % 10007)::text, 400, 'x')"
                + " FROM generate_series(1, 2500) g");

        // Dead tuples marked by an index scan, then pruned by inserts into their full leaves (DELETE).
        cluster.sql("DELETE FROM pts WHERE id % 3 = 0");
        cluster.sql("SET enable_seqscan = off; SET enable_bitmapscan = off;"
                + " SELECT count(*) FROM (SELECT * FROM pts WHERE p <@ box '((0,0),(10007,10009))') s");
        cluster.sql("INSERT INTO pts SELECT g, point((g * 7919) % 10007, (g * 1013) % 10009)"
                + " FROM generate_series(20001, 22000) g");

        // VACUUM removes tuples (PAGE_UPDATE deleting) and deletes emptied leaves (PAGE_DELETE); after more
        // transactions the next VACUUM finds them recyclable and inserts take them over (PAGE_REUSE).
        cluster.sql("DELETE FROM pts WHERE p[0] < 6000");
        cluster.sql("DELETE FROM words WHERE id % 4 <> 0");
        cluster.sql("VACUUM pts");
        cluster.sql("VACUUM words");
        cluster.sql("INSERT INTO shapes SELECT g, box(point(g, g), point(g + 1, g + 1)), int4range(g, g + 1)"
                + " FROM generate_series(1, 50) g");
        cluster.sql("VACUUM pts");
        cluster.sql("INSERT INTO pts SELECT g, point((g * 7919) % 6000, (g * 1013) % 10009)"
                + " FROM generate_series(30001, 36000) g");
    }

    static String variant(DecodedRecord rec, BlockReference block) {
        if (rec.rmgr() != RmgrId.GIST) {
            return null;
        }
        String v = "block " + block.blockId();
        if (rec.rmgrInfo() == 0x30 && block.blockId() > 0) {
            BlockReference first = rec.block(1);
            v += first != null && first.blockNumber() == 0 ? " root split" : "";
        }
        return v;
    }

    @Test
    void everyGistRecordTypeAndBlockIsVerified() {
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "Gist/PAGE_UPDATE block 0", "Gist/PAGE_UPDATE block 1",
                "Gist/PAGE_SPLIT block 0", "Gist/PAGE_SPLIT block 1", "Gist/PAGE_SPLIT block 2",
                "Gist/PAGE_SPLIT block 1 root split", "Gist/PAGE_SPLIT block 2 root split",
                "Gist/DELETE block 0", "Gist/PAGE_DELETE block 0", "Gist/PAGE_DELETE block 1");
        assertThat(oracle.verified().get("Gist/PAGE_UPDATE")).isGreaterThan(10_000);
        assertThat(oracle.seen()).as(oracle.summary()).containsKey("Gist/PAGE_REUSE");
    }
}
