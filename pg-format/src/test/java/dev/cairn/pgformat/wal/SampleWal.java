package dev.cairn.pgformat.wal;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Real WAL from stock PostgreSQL, made once per test JVM: a fresh cluster, a
 * short mixed workload (with lz4 images for consistency checking, so records
 * span pages), stopped cleanly.
 */
public final class SampleWal {
    private static SampleWal instance;

    /** The (stopped) cluster that wrote the WAL, for running PostgreSQL's tools on it. */
    public final PgCluster cluster;
    public final Path walDir;
    public final List<Path> segments;
    public final byte[] firstSegment;

    private SampleWal(PgCluster cluster) throws IOException {
        this.cluster = cluster;
        this.walDir = cluster.walDir();
        this.segments = WalReader.listSegments(walDir);
        this.firstSegment = Files.readAllBytes(segments.get(0));
    }

    public static synchronized SampleWal get() {
        if (instance == null) {
            Path scratch = ScratchDirectory.create("cairn-sample-wal").deleteOnExit().path();
            try (PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of())) {
                pg.start(Map.of("wal_compression", "lz4", "wal_consistency_checking", "all", "fsync", "off",
                        "wal_keep_size", "1GB"));
                pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text)");
                pg.psql("INSERT INTO t SELECT g, repeat(md5(g::text), 1 + g % 20) FROM generate_series(1, 5000) g");
                pg.psql("UPDATE t SET v = v || 'x' WHERE id % 3 = 0");
                pg.psql("CHECKPOINT");
                pg.stop("fast");
                instance = new SampleWal(pg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
