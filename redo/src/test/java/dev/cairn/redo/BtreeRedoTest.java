package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Btree redo against PostgreSQL's own images: a workload that makes stock PostgreSQL 15 write every btree record
 * type, replayed in Java, each redone block compared with the image logged with it. Tables are loaded with COPY
 * (a few multi-insert records) wherever row-by-row index insertion is not the point, and images are
 * lz4-compressed, to keep the WAL small.
 */
class BtreeRedoTest extends WorkloadAgainstImages {
    static final String[] BLOCK_RECORD_TYPES = {
            "Btree/INSERT_LEAF", "Btree/INSERT_UPPER", "Btree/INSERT_META", "Btree/SPLIT_L", "Btree/SPLIT_R",
            "Btree/INSERT_POST", "Btree/DEDUP", "Btree/DELETE", "Btree/UNLINK_PAGE", "Btree/UNLINK_PAGE_META",
            "Btree/NEWROOT", "Btree/MARK_PAGE_HALFDEAD", "Btree/VACUUM", "Btree/META_CLEANUP"};

    @Override
    ReplayOracle newOracle() {
        return new ReplayOracle(BtreeRedoTest::variant);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {

        // Ascending inserts into an index created empty: the first insert makes a leaf root (NEWROOT level 0),
        // rightmost leaf splits (SPLIT_R), downlinks (INSERT_UPPER) and a root split (NEWROOT level 1).
        cluster.sql("CREATE TABLE asc_t (id int, v int)");
        cluster.sql("CREATE INDEX asc_id ON asc_t (id)");
        cluster.sql("INSERT INTO asc_t SELECT g, g % 7 FROM generate_series(1, 3000) g");

        // Inserts in a scrambled order: splits on both sides (SPLIT_L and SPLIT_R) of a unique index with an
        // INCLUDE column, and of a text index with keys of 2 to 605 bytes whose untruncatable pivots make a
        // three-level tree, so internal pages split too (block 3, the child whose split the downlink completes).
        cluster.sql("CREATE TABLE rnd (k int, t text, inc text)");
        cluster.sql("CREATE UNIQUE INDEX rnd_k ON rnd (k) INCLUDE (inc)");
        cluster.sql("CREATE INDEX rnd_t ON rnd (t)");
        cluster.sql("INSERT INTO rnd SELECT k, repeat(chr(97 + k % 26), 1 + (k * 7919) % 600) || k, 'inc' || k"
                + " FROM (SELECT (g * 7919) % 10007 AS k FROM generate_series(1, 3000) g) s");

        // Many duplicates: deduplication (DEDUP); deleting a third of the rows and VACUUM remove TIDs from
        // posting lists (VACUUM with updated tuples); new rows take the freed heap slots, whose TIDs fall
        // inside existing posting lists (INSERT_POST).
        cluster.sql("CREATE TABLE dup (id serial, k int, pad text)");
        cluster.sql("CREATE INDEX dup_k ON dup (k)");
        cluster.sql("INSERT INTO dup (k, pad) SELECT g % 20, 'p' FROM generate_series(1, 6000) g");
        cluster.sql("DELETE FROM dup WHERE id % 3 = 0");
        cluster.sql("VACUUM dup");
        cluster.sql("INSERT INTO dup (k, pad) SELECT g % 20, 'q' FROM generate_series(1, 1500) g");

        // Posting list splits that split the page: full leaves of two keys' posting lists; updates move rows
        // of one key to the other, their new versions on the same heap pages (fillfactor), so every new TID
        // lands inside a posting list (SPLIT_L/SPLIT_R with a posting offset).
        cluster.sql("CREATE TABLE post (id int, k int) WITH (fillfactor = 60)");
        cluster.sql("COPY post FROM PROGRAM 'seq 1 8000 | awk ''{print $1 \"\\t\" ($1 % 2)}'''");
        cluster.sql("CREATE INDEX post_k ON post (k)");
        cluster.sql("UPDATE post SET k = 1 WHERE k = 0");
        // The rarer SPLIT_R that logs a posting split: the split point falls between the split posting list
        // (last on the left) and the new item (first on the right). A single-valued index whose rightmost leaf
        // gets TIDs inside its last posting lists: non-HOT updates (n is indexed) of rows on the heap pages
        // just before the last, their new versions on the same pages.
        cluster.sql("CREATE TABLE single (id int, k int, n int) WITH (fillfactor = 60)");
        cluster.sql("COPY single FROM PROGRAM 'seq 1 6000 | awk ''{print $1 \"\\t7\\t\" $1}'''");
        cluster.sql("CREATE INDEX single_k ON single (k)");
        cluster.sql("CREATE INDEX single_n ON single (n)");
        cluster.sql("UPDATE single SET n = n + 1 WHERE id BETWEEN 5780 AND 5880");
        cluster.sql("UPDATE single SET n = n + 1 WHERE id BETWEEN 5780 AND 5880");

        // Page deletion in a three-level tree of 400-byte keys (built by CREATE INDEX: full-page images):
        // emptying whole subtrees deletes leaves (MARK_PAGE_HALFDEAD, UNLINK_PAGE) and their parents (UNLINK_PAGE
        // of an internal page, rewriting the half-dead leaf as block 3); VACUUM records the deleted pages in the
        // metapage (META_CLEANUP).
        cluster.sql("CREATE TABLE wide (id int, k text)");
        cluster.sql("COPY wide FROM PROGRAM 'seq 1 3000 | awk ''{printf \"%d\\t%0400d\\n\", $1, $1}'''");
        cluster.sql("CREATE INDEX wide_k ON wide (k)");
        cluster.sql("DELETE FROM wide WHERE id BETWEEN 200 AND 2500");
        cluster.sql("VACUUM wide");

        // The fast root below the true root: a root over two leaves whose left one is emptied; deleting it
        // leaves the right leaf the only page of its level, the new fast root (UNLINK_PAGE_META). When that
        // leaf splits, the downlink goes into the true root and the fast root moves up (INSERT_META). Rows
        // inserted after the deletion consume XIDs, so the next VACUUM finds the deleted page recyclable and
        // puts it in the free space map; the next split takes it from there (REUSE_PAGE).
        cluster.sql("CREATE TABLE fast (id int)");
        cluster.sql("CREATE INDEX fast_id ON fast (id)");
        cluster.sql("INSERT INTO fast SELECT g FROM generate_series(1, 600) g");
        cluster.sql("DELETE FROM fast WHERE id <= 420");
        cluster.sql("VACUUM fast");
        cluster.sql("INSERT INTO fast SELECT g FROM generate_series(601, 1500) g");
        cluster.sql("DELETE FROM fast WHERE id BETWEEN 601 AND 1000");
        cluster.sql("VACUUM fast");
        cluster.sql("INSERT INTO fast SELECT g FROM generate_series(1501, 2500) g");

        // Index deletion (DELETE). Simple deletion: an index scan over deleted rows marks their items LP_DEAD;
        // inserts into those full leaves delete them instead of splitting. Bottom-up deletion: non-HOT updates
        // (an indexed column changes) add versions to the other indexes, whose keys did not change, until a
        // leaf is full of versions; their dead ones go, some from posting lists (updated tuples).
        cluster.sql("CREATE TABLE del (id int PRIMARY KEY, k int, n int)");
        cluster.sql("CREATE INDEX del_k ON del (k)");
        cluster.sql("CREATE INDEX del_n ON del (n)");
        cluster.sql("INSERT INTO del SELECT g, g, 0 FROM generate_series(1, 3000) g");
        cluster.sql("DELETE FROM del WHERE id BETWEEN 1000 AND 1400");
        cluster.sql("SET enable_seqscan = off; SET enable_bitmapscan = off;"
                + " SELECT count(*) FROM (SELECT * FROM del WHERE k BETWEEN 900 AND 1500) s");
        cluster.sql("INSERT INTO del SELECT g, 1000 + g % 400, 0 FROM generate_series(10001, 10800) g");
        for (int i = 0; i < 10; i++) {
            cluster.sql("UPDATE del SET n = n + 1 WHERE id <= 60");
        }
    }

    /**
     * Which part of btree redo a block exercises: its block id, and for splits whether the new item split a
     * posting list and the page was internal, for deletions whether posting lists were updated, for new
     * roots whether the root is a leaf.
     */
    static String variant(DecodedRecord rec, BlockReference block) {
        if (rec.rmgr() != RmgrId.BTREE) {
            return null;
        }
        ByteBuffer main = rec.mainData();
        String v = "block " + block.blockId();
        return switch (rec.rmgrInfo()) {
            case 0x30, 0x40 -> v + (main.getInt(0) != 0 ? " internal" : "") + (main.getShort(8) != 0
                    ? " posting split" : "");
            case 0x70 -> v + (main.getShort(6) != 0 ? " updated postings" : "");
            case 0xC0 -> v + (main.getShort(2) != 0 ? " updated postings" : "");
            case 0xA0 -> v + (main.getInt(4) == 0 ? " leaf root" : " internal root");
            default -> v;
        };
    }

    @Test
    void everyBtreeRecordTypeIsVerified() {
        assertThat(oracle.verified()).as(oracle.summary()).containsKeys(BLOCK_RECORD_TYPES);
        assertThat(oracle.verified().get("Btree/INSERT_LEAF")).isGreaterThan(1000);
        // the paths inside the record types: every block id, posting splits in page splits, internal splits,
        // the unlink of an internal page (block 3), new roots of both kinds, posting list updates
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "Btree/INSERT_UPPER block 0", "Btree/INSERT_UPPER block 1",
                "Btree/INSERT_META block 0", "Btree/INSERT_META block 1", "Btree/INSERT_META block 2",
                "Btree/SPLIT_L block 0", "Btree/SPLIT_L block 1", "Btree/SPLIT_L block 2",
                "Btree/SPLIT_R block 0", "Btree/SPLIT_R block 1", "Btree/SPLIT_R block 2",
                "Btree/SPLIT_L block 0 posting split", "Btree/SPLIT_R block 0 posting split",
                "Btree/SPLIT_L block 0 internal", "Btree/SPLIT_L block 3 internal",
                "Btree/SPLIT_R block 0 internal", "Btree/SPLIT_R block 3 internal",
                "Btree/NEWROOT block 0 leaf root", "Btree/NEWROOT block 2 leaf root",
                "Btree/NEWROOT block 0 internal root", "Btree/NEWROOT block 1 internal root",
                "Btree/NEWROOT block 2 internal root",
                "Btree/MARK_PAGE_HALFDEAD block 0", "Btree/MARK_PAGE_HALFDEAD block 1",
                "Btree/UNLINK_PAGE block 0", "Btree/UNLINK_PAGE block 1", "Btree/UNLINK_PAGE block 2",
                "Btree/UNLINK_PAGE block 3", "Btree/UNLINK_PAGE_META block 0", "Btree/UNLINK_PAGE_META block 4",
                "Btree/VACUUM block 0 updated postings", "Btree/DELETE block 0 updated postings",
                "Btree/DELETE block 0", "Btree/VACUUM block 0");
        // REUSE_PAGE changes no block, so there is nothing to verify: it is enough that one was replayed
        assertThat(oracle.seen()).as(oracle.summary()).containsKey("Btree/REUSE_PAGE");
    }
}
