package dev.cairn.bench;

import dev.cairn.pgruntime.PgBinaries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An index-heavy write workload, Cairn against the quorum peer ({@link QuorumPgbench}): one table indexed by
 * every access method (GIN on tsvector, jsonb with fast update off, and int[]; GiST on points, ranges and boxes;
 * SP-GiST on points and text; hash; BRIN with autosummarize; the btree primary key). Each transaction inserts a
 * row, updates the indexed columns of another (no HOT) and deletes a third; autovacuum runs as it does by
 * default.
 */
final class IndexBenchmark {
    static final String SCHEMA = """
            CREATE TABLE items (id bigserial PRIMARY KEY, k int, body tsvector, doc jsonb, tags int[], pos point,
                span int4range, rect box, name text, created timestamptz NOT NULL DEFAULT now());
            INSERT INTO items (k, body, doc, tags, pos, span, rect, name)
                SELECT g % 1000, to_tsvector('simple', 'w' || g || ' c' || (g % 50)),
                    jsonb_build_object('a', g % 100, 't', 'x' || (g % 7)), ARRAY[g % 10, g % 77],
                    point(g % 1000, g / 1000), int4range(g % 10000, g % 10000 + 10),
                    box(point(g % 100, g % 97), point(g % 100 + 1, g % 97 + 1)), 'n' || (g % 5000) || '/' || g
                FROM generate_series(1, 20000) g;
            CREATE INDEX items_body ON items USING gin (body);
            CREATE INDEX items_doc ON items USING gin (doc jsonb_path_ops) WITH (fastupdate = off);
            CREATE INDEX items_tags ON items USING gin (tags);
            CREATE INDEX items_pos_gist ON items USING gist (pos);
            CREATE INDEX items_span ON items USING gist (span);
            CREATE INDEX items_rect ON items USING gist (rect);
            CREATE INDEX items_pos_spgist ON items USING spgist (pos);
            CREATE INDEX items_name ON items USING spgist (name);
            CREATE INDEX items_k ON items USING hash (k);
            CREATE INDEX items_created ON items USING brin (created) WITH (pages_per_range = 8, autosummarize = on);
            """;
    static final String SCRIPT = """
            \\set a random(1, 1000000000)
            \\set u random(1, 10000)
            \\set d random(10001, 20000)
            BEGIN;
            INSERT INTO items (k, body, doc, tags, pos, span, rect, name) VALUES (:a % 1000,
                to_tsvector('simple', 'w' || :a || ' c' || (:a % 50)), jsonb_build_object('a', :a % 100, 't', 'x' || (:a % 7)),
                ARRAY[:a % 10, :a % 77], point(:a % 1000, :a % 997), int4range(:a % 10000, :a % 10000 + 10),
                box(point(:a % 100, :a % 97), point(:a % 100 + 1, :a % 97 + 1)), 'n' || (:a % 5000) || '/' || :a);
            UPDATE items SET k = :a % 1000, body = to_tsvector('simple', 'u' || :a), pos = point(:a % 1000, :a % 991),
                name = 'm' || :a WHERE id = :u;
            DELETE FROM items WHERE id = :d;
            END;
            """;

    private IndexBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        PgBinaries pgBin = PgBinaries.locate();
        Path script = Files.writeString(scratch.resolve("indexes.pgbench"), SCRIPT);
        QuorumPgbench.run(resultsDir, scratch, args, new QuorumPgbench.Workload("indexes",
                "one table under every index AM (20,000 rows), each transaction an insert, a non-HOT update and a"
                        + " delete", conn -> {
                    LocalCairn.psql(pgBin, conn, SCHEMA);
                    LocalCairn.psql(pgBin, conn, "VACUUM ANALYZE items");
                },
                List.of("-n", "-c", "8", "-j", "2", "-T", Integer.toString(QuorumPgbench.seconds(args)), "-f", script.toString())));
    }
}
