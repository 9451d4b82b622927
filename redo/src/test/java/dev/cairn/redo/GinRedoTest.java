package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GIN redo against PostgreSQL's own images: tsvector, array and jsonb indexes with fast update off (entry and
 * posting trees grown by inserts, posting lists moved into posting trees, compressed leaf segments added to and
 * vacuumed, emptied leaves deleted) and on (the pending list filled and flushed), each redone block compared with
 * the image stock PostgreSQL 15 logged with it.
 */
class GinRedoTest extends WorkloadAgainstImages {
    @Override
    Map<String, String> settings() {
        return AS_ON_COMPUTES;
    }

    @Override
    ReplayOracle newOracle() {
        return new ReplayOracle(GinRedoTest::variant);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        // Fast update off: every row goes straight into the trees. One word in every row grows a posting list
        // into a posting tree (CREATE_PTREE) of several leaves (INSERT into compressed leaves, SPLIT, and the
        // downlinks of split leaves); unique words split entry pages and add their downlinks.
        cluster.sql("CREATE TABLE docs (id int, body tsvector, tags int[])");
        cluster.sql("CREATE INDEX docs_body ON docs USING gin (body) WITH (fastupdate = off)");
        cluster.sql("CREATE INDEX docs_tags ON docs USING gin (tags) WITH (fastupdate = off)");
        cluster.sql("INSERT INTO docs SELECT g, to_tsvector('simple', 'common w' || g || ' m' || (g % 50)),"
                + " ARRAY[g % 7, g % 1000] FROM generate_series(1, 12000) g");

        // Wide rows, so that heap TIDs are sparse and one word's posting tree grows to several levels: leaf
        // splits past the root's add downlinks to an internal posting tree page.
        cluster.sql("CREATE TABLE wide (id int, t tsvector, pad text)");
        cluster.sql("CREATE INDEX wide_t ON wide USING gin (t) WITH (fastupdate = off)");
        cluster.sql("INSERT INTO wide SELECT g, 'same'::tsvector, repeat('x', 500) FROM generate_series(1, 20000) g");
        cluster.sql("DELETE FROM wide WHERE id BETWEEN 3000 AND 16000");
        cluster.sql("VACUUM wide");

        // VACUUM after deleting a contiguous range: leaf segments rewritten (VACUUM_DATA_LEAF_PAGE), emptied
        // posting tree leaves deleted (DELETE_PAGE), entry pages vacuumed (VACUUM_PAGE images).
        cluster.sql("DELETE FROM docs WHERE id BETWEEN 1 AND 8000 OR id % 5 = 0");
        cluster.sql("VACUUM docs");
        cluster.sql("INSERT INTO docs SELECT g, to_tsvector('simple', 'common again' || g), ARRAY[g % 7]"
                + " FROM generate_series(20001, 21000) g");

        // jsonb and tsvector with fast update on: rows collect in the pending list (INSERT_LISTPAGE,
        // UPDATE_META_PAGE), flushed into the trees when it outgrows its limit, by gin_clean_pending_list and by
        // VACUUM (DELETE_LISTPAGE); jsonb_path_ops with fast update off beside them.
        cluster.sql("CREATE TABLE js (id int, j jsonb)");
        cluster.sql("CREATE INDEX js_j ON js USING gin (j) WITH (fastupdate = on, gin_pending_list_limit = 64)");
        cluster.sql("CREATE INDEX js_path ON js USING gin (j jsonb_path_ops) WITH (fastupdate = off)");
        cluster.sql("CREATE INDEX js_words ON js USING gin (to_tsvector('simple', j::text)) WITH (fastupdate = on)");
        cluster.sql("INSERT INTO js SELECT g, jsonb_build_object('k' || (g % 30), g, 'tag', 't' || (g % 11))"
                + " FROM generate_series(1, 3000) g");
        for (int i = 0; i < 40; i++) {
            cluster.sql("INSERT INTO js SELECT g, jsonb_build_object('n', g) FROM generate_series(1, 3) g");
        }
        cluster.sql("SELECT gin_clean_pending_list('js_j')");
        cluster.sql("DELETE FROM js WHERE id % 3 = 0");
        cluster.sql("VACUUM js");
    }

    /** Block id, and for inserts whether into the entry tree or a posting tree, a leaf or an internal page. */
    static String variant(DecodedRecord rec, BlockReference block) {
        if (rec.rmgr() != RmgrId.GIN) {
            return null;
        }
        String v = "block " + block.blockId();
        if (rec.rmgrInfo() == 0x20) {
            int flags = rec.mainData().getShort(0);
            v += ((flags & 1) != 0 ? " data" : " entry") + ((flags & 2) != 0 ? " leaf" : " internal");
            if ((flags & 3) == 3) {
                v += leafActions(block.data());
            }
        } else if (rec.rmgrInfo() == 0x90) {
            v += leafActions(block.data());
        }
        return v;
    }

    /** The kinds of segment action a ginxlogRecompressDataLeaf holds (" delete insert replace additems"). */
    private static String leafActions(ByteBuffer data) {
        java.util.SortedSet<String> kinds = new java.util.TreeSet<>();
        int n = data.getShort(0) & 0xFFFF;
        int pos = 2;
        for (int i = 0; i < n; i++) {
            int type = data.get(pos + 1);
            pos += 2;
            switch (type) {
                case 1 -> kinds.add("delete");
                case 2, 3 -> {
                    kinds.add(type == 2 ? "insert" : "replace");
                    pos += 8 + (((data.getShort(pos + 6) & 0xFFFF) + 1) & ~1);
                }
                case 4 -> {
                    kinds.add("additems");
                    pos += 2 + 6 * (data.getShort(pos) & 0xFFFF);
                }
                default -> throw new AssertionError("GIN leaf action " + type);
            }
        }
        return kinds.stream().map(k -> " " + k).collect(java.util.stream.Collectors.joining());
    }

    @Test
    void everyGinRecordTypeAndBlockIsVerified() {
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "Gin/CREATE_PTREE block 0",
                "Gin/INSERT block 0 entry leaf", "Gin/INSERT block 0 entry internal",
                "Gin/INSERT block 1 entry internal", "Gin/INSERT block 0 data leaf additems",
                "Gin/INSERT block 0 data leaf insert",
                "Gin/INSERT block 0 data internal", "Gin/INSERT block 1 data internal",
                "Gin/VACUUM_DATA_LEAF_PAGE block 0 delete", "Gin/VACUUM_DATA_LEAF_PAGE block 0 delete replace",
                "Gin/DELETE_PAGE block 0", "Gin/DELETE_PAGE block 1", "Gin/DELETE_PAGE block 2",
                "Gin/UPDATE_META_PAGE block 0", "Gin/UPDATE_META_PAGE block 1",
                "Gin/INSERT_LISTPAGE block 0", "Gin/DELETE_LISTPAGE block 0", "Gin/DELETE_LISTPAGE block 1");
        assertThat(oracle.verified().get("Gin/INSERT")).isGreaterThan(10_000);
        assertThat(oracle.seen()).as(oracle.summary()).containsKeys("Gin/SPLIT", "Gin/VACUUM_PAGE");
    }
}
