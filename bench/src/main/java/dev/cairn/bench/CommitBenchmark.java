package dev.cairn.bench;

import dev.cairn.common.Lsn;
import java.util.concurrent.TimeUnit;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.compute.api.BackendAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commit throughput with quorum durability: pgbench (TPC-B-like, 4 clients) on a Cairn compute, whose
 * COMMIT waits for 2 of 3 safekeepers to fsync — against stock PostgreSQL with two streaming standbys and
 * {@code synchronous_standby_names = 'ANY 1 (s1, s2)'} (the primary plus one standby: also 2 of 3 copies),
 * and stock PostgreSQL alone with fsync, in the same run. The Cairn compute also pays for
 * wal_consistency_checking (a full page image per touched block, DESIGN.md 2.4). Also measures the ingest
 * lag when pgbench ends: how long until the pageserver has ingested the compute's flushed WAL.
 */
final class CommitBenchmark {
    private static final String PASSWORD = "bench-secret";

    private CommitBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int seconds = 20;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            }
        }
        List<String> workload = List.of("-n", "-c", "4", "-j", "2", "-T", Integer.toString(seconds));
        PgBinaries pgBin = PgBinaries.locate();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "commit-quorum");
        result.put("time", Instant.now().toString());
        result.put("workload", "pgbench scale 10, " + String.join(" ", workload));

        double cairn;
        try (InJvmCluster cluster = new InJvmCluster(scratch.resolve("cairn"), pgBin, PASSWORD)) {
            BackendAddress a = cluster.manager.wake(InJvmCluster.ENDPOINT).get();
            String conn = "host=" + a.host() + " port=" + a.port() + " user=postgres dbname=postgres password=" + PASSWORD;
            Pgbench.run(pgBin, List.of("-i", "-q", "-s", "10"), conn);
            cairn = Pgbench.tps(Pgbench.run(pgBin, workload, conn));
            // ingest lag: how long after pgbench's last commit the pageserver has materialised all of it
            long end = System.nanoTime();
            Lsn flushed = Lsn.parse(psql(pgBin, conn, "SELECT pg_current_wal_flush_lsn()"));
            Lsn ingestedAtEnd = recordAligned(cluster.ingested());
            long deadline = end + TimeUnit.SECONDS.toNanos(60);
            while (recordAligned(cluster.ingested()).isBefore(flushed) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Lsn ingested = recordAligned(cluster.ingested());
            result.put("ingest_lag_bytes_at_pgbench_end", Math.max(0, flushed.minus(ingestedAtEnd)));
            result.put("ingest_lag_seconds_at_pgbench_end", ingested.isBefore(flushed) ? null
                    : (System.nanoTime() - end) / 1e9);
            result.put("ingest_lag_goal_seconds", 1.0);
        }

        double quorum;
        double alone;
        try (PgCluster primary = PgCluster.initdb(pgBin, scratch.resolve("primary"), List.of())) {
            primary.start(Map.of("fsync", "on", "synchronous_commit", "on", "wal_level", "replica",
                    "max_wal_senders", "5", "synchronous_standby_names", "ANY 1 (s1, s2)"));
            PgCluster s1 = standby(primary, scratch.resolve("s1"), "s1");
            PgCluster s2 = standby(primary, scratch.resolve("s2"), "s2");
            try (s1; s2) {
                String conn = "host=127.0.0.1 port=" + primary.port() + " user=postgres dbname=postgres";
                Pgbench.run(pgBin, List.of("-i", "-q", "-s", "10"), conn);
                quorum = Pgbench.tps(Pgbench.run(pgBin, workload, conn));
                s1.stop("fast");
                s2.stop("fast");
                // settings given at start beat ALTER SYSTEM: restart the primary without standbys
                primary.stop("fast");
                primary.start(Map.of("fsync", "on", "synchronous_commit", "on"));
                alone = Pgbench.tps(Pgbench.run(pgBin, workload,
                        "host=127.0.0.1 port=" + primary.port() + " user=postgres dbname=postgres"));
            }
        }
        result.put("cairn_tps", cairn);
        result.put("postgres_any1_of_2_standbys_tps", quorum);
        result.put("postgres_alone_fsync_tps", alone);
        result.put("ratio_cairn_over_postgres_quorum", cairn / quorum);
        result.put("ratio_cairn_over_postgres_alone", cairn / alone);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        BenchResults.writeAndPrint(resultsDir, "commit-quorum.json", result);
    }

    private static String psql(PgBinaries bin, String conninfo, String sql) {
        return dev.cairn.pgruntime.ProcessRunner.run(List.of(bin.tool("psql").toString(), "-X", "-A", "-t", "-c", sql,
                conninfo), null, 60).requireSuccess("psql " + sql).stdout().strip();
    }

    /** A streaming standby of {@code primary} named {@code name} (its application_name). */
    static PgCluster standby(PgCluster primary, Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        primary.user().own(dir);
        primary.tool("pg_basebackup", List.of("-D", dir.toString(), "-R", "-X", "stream", "-d",
                "host=127.0.0.1 port=" + primary.port() + " user=postgres application_name=" + name), 600)
                .requireSuccess("pg_basebackup for " + name);
        PgCluster s = PgCluster.existing(primary.binaries(), dir);
        s.start(Map.of("fsync", "on"));
        return s;
    }

    /**
     * The pageserver reports where the last ingested record ends; PostgreSQL's flush LSN is that end
     * MAXALIGNed (records are reserved in aligned sizes), so compare at the aligned position.
     */
    private static Lsn recordAligned(Lsn recordEnd) {
        return Lsn.of(dev.cairn.pgformat.PgConstants.maxAlign(recordEnd.value()));
    }
}
