package dev.cairn.pageserver;

import dev.cairn.pgruntime.PgCluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Queries answered through each index access method (amcheck covers only
 * btree and heap): the same predicate with scans forced through the index and
 * forced to the heap must agree, and agree with the compute before the trip.
 */
final class IndexProbes {
    static final Map<String, String> PREDICATES = Map.of(
            "gin tags", "tags @> ARRAY['t3', 'u4']",
            "gin tsvector", "body @@ to_tsquery('simple', 'other5')",
            "gist", "pos <@ box '((10,10),(40,60))'",
            "brin", "created BETWEEN date '2024-03-01' AND date '2024-03-15'",
            "hash", "payload = md5('777')",
            "spgist text", "payload ^@ 'ab'",
            "btree", "payload BETWEEN 'a' AND 'b'");

    private IndexProbes() {
    }

    /** predicate name -> "count/sum(id)" through the heap only. */
    static Map<String, String> heap(PgCluster pg) {
        return run(pg, "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;");
    }

    /** predicate name -> "count/sum(id)" with sequential scans disabled (the index is used). */
    static Map<String, String> index(PgCluster pg) {
        return run(pg, "SET enable_seqscan = off;");
    }

    private static Map<String, String> run(PgCluster pg, String settings) {
        Map<String, String> out = new LinkedHashMap<>();
        PREDICATES.forEach((name, where) -> out.put(name,
                pg.psql(settings + " SELECT count(*) || '/' || coalesce(sum(id), 0) FROM docs WHERE " + where)));
        return out;
    }
}
