package dev.cairn.redo;

import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BRIN redo against PostgreSQL's own images: minmax, inclusion, bloom and minmax-multi indexes built, widened
 * by inserts into summarized ranges, summarized and desummarized, each redone block compared with the image
 * stock PostgreSQL 15 logged with it.
 */
class BrinRedoTest extends WorkloadAgainstImages {
    @Override
    ReplayOracle newOracle() {
        return ReplayOracle.byBlockId(RmgrId.BRIN);
    }

    @Override
    void workload(ConsistencyCheckedCluster cluster) {
        // ~1,700 heap pages filled to 70%: with one page per range the build fills two revmap pages
        // (REVMAP_EXTEND) and several regular pages (INSERT, with INIT_PAGE for each new one).
        cluster.sql("CREATE TABLE br (id int, t text, r int4range) WITH (fillfactor = 70)");
        cluster.sql("COPY br FROM PROGRAM 'seq 1 90000 | awk ''{printf \"%d\\tv%d\\t[%d,%d)\\n\", $1, $1 % 97,"
                + " $1, $1 + 10}'''");
        cluster.sql("CREATE INDEX br_id ON br USING brin (id) WITH (pages_per_range = 1)");
        cluster.sql("CREATE INDEX br_t ON br USING brin (t) WITH (pages_per_range = 2)");
        cluster.sql("CREATE INDEX br_r ON br USING brin (r range_inclusion_ops) WITH (pages_per_range = 4)");
        cluster.sql("CREATE INDEX br_bloom ON br USING brin (id int4_bloom_ops) WITH (pages_per_range = 8)");
        cluster.sql("CREATE INDEX br_multi ON br USING brin (id int4_minmax_multi_ops) WITH (pages_per_range = 2)");

        // Rows into the free 30% of summarized ranges widen their summaries in place (SAMEPAGE_UPDATE); long
        // text maxima outgrow full regular pages and move (UPDATE, onto new pages with INIT_PAGE).
        cluster.sql("ALTER TABLE br SET (fillfactor = 100)");
        cluster.sql("VACUUM br");
        cluster.sql("INSERT INTO br SELECT 200000 + g, 'w' || repeat(md5(g::text), 4), int4range(-g, g)"
                + " FROM generate_series(1, 20000) g");

        // New pages past the summarized ranges, summarized explicitly (INSERT), then ranges desummarized
        // (DESUMMARIZE) and summarized again.
        cluster.sql("INSERT INTO br SELECT 300000 + g, 'x' || g, int4range(g, g + 1) FROM generate_series(1, 9000) g");
        cluster.sql("SELECT brin_summarize_new_values('br_id'), brin_summarize_new_values('br_t'),"
                + " brin_summarize_new_values('br_r'), brin_summarize_new_values('br_bloom'),"
                + " brin_summarize_new_values('br_multi')");
        cluster.sql("SELECT brin_desummarize_range('br_id', b) FROM generate_series(0, 1800, 7) b");
        cluster.sql("SELECT brin_desummarize_range('br_t', b) FROM generate_series(0, 1800, 11) b");
        cluster.sql("SELECT brin_summarize_range('br_id', b) FROM generate_series(0, 900, 7) b");
        cluster.sql("DELETE FROM br WHERE id % 5 = 0");
        cluster.sql("VACUUM br");
    }

    @Test
    void everyBrinRecordTypeAndBlockIsVerified() {
        assertThat(oracle.verifiedVariants()).as(oracle.summary()).containsKeys(
                "BRIN/CREATE_INDEX block 0",
                "BRIN/INSERT block 0", "BRIN/INSERT block 1", "BRIN/INSERT+INIT block 0", "BRIN/INSERT+INIT block 1",
                "BRIN/UPDATE block 0", "BRIN/UPDATE block 1", "BRIN/UPDATE block 2", "BRIN/UPDATE+INIT block 0",
                "BRIN/SAMEPAGE_UPDATE block 0",
                "BRIN/REVMAP_EXTEND block 0", "BRIN/REVMAP_EXTEND block 1",
                "BRIN/DESUMMARIZE block 0", "BRIN/DESUMMARIZE block 1");
        assertThat(oracle.verified().get("BRIN/INSERT")).isGreaterThan(1000);
    }
}
