package dev.cairn.bench;

import dev.cairn.compute.api.BootTimings;
import dev.cairn.compute.ComputeManager;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.compute.api.BackendAddress;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Cold start of a serverless endpoint: from suspended to the first query answered (sync of 3 safekeepers,
 * basebackup from the pageserver at the sync LSN, postgres start, proposer) — against the peer a
 * non-serverless database pays for the same: restarting a stock PostgreSQL on a data directory it keeps.
 */
final class ColdStartBenchmark {
    private static final String PASSWORD = "bench-secret";

    private ColdStartBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int rounds = 10;
        List<Integer> scales = List.of(1, 70); // about 15 MB and 1 GB
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--scales")) {
                scales = java.util.Arrays.stream(args[i + 1].split(",")).map(String::trim).map(Integer::parseInt).toList();
            }
        }
        PgBinaries pgBin = PgBinaries.locate();
        List<AutoCloseable> closeables = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "compute-cold-start");
        result.put("time", Instant.now().toString());
        result.put("rounds", rounds);
        List<Map<String, Object>> sizes = new ArrayList<>();
        try {
            InJvmCluster cluster = new InJvmCluster(scratch, pgBin, PASSWORD);
            closeables.add(cluster);
            ComputeManager manager = cluster.manager;
            Path peerData = scratch.resolve("peer");
            // the peer: a stock PostgreSQL with the same database, restarted on its own data directory
            PgCluster peer = PgCluster.initdb(pgBin, peerData, List.of());
            closeables.add(peer);
            peer.start(Map.of("fsync", "off"));
            for (int scale : scales) {
                BackendAddress first = manager.wake(InJvmCluster.ENDPOINT).get();
                pgbenchInit(pgBin, first, scale);
                long bytes = databaseSize(first);
                List<Double> wakes = new ArrayList<>();
                List<BootTimings> boots = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    manager.suspend(InJvmCluster.ENDPOINT);
                    long t0 = System.nanoTime();
                    BackendAddress a = manager.wake(InJvmCluster.ENDPOINT).get();
                    firstQuery(a);
                    wakes.add((System.nanoTime() - t0) / 1e6);
                    boots.add(manager.status(InJvmCluster.ENDPOINT).lastBoot());
                }

                pgbenchInit(pgBin, new BackendAddress("127.0.0.1", peer.port()), scale);
                List<Double> restarts = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    peer.stop("fast");
                    long t0 = System.nanoTime();
                    peer.start(Map.of("fsync", "off"));
                    firstQueryTrust(peer.port());
                    restarts.add((System.nanoTime() - t0) / 1e6);
                }
                double wakeMedian = median(wakes);
                double restartMedian = median(restarts);
                Map<String, Object> size = new LinkedHashMap<>();
                size.put("database", "pgbench scale " + scale);
                size.put("database_mb", bytes / 1e6);
                size.put("cairn_wake_ms", wakes);
                size.put("cairn_wake_median_ms", wakeMedian);
                // where the wake goes (medians of each phase): only the basebackup grows with the database
                size.put("cairn_wake_sync_median_ms", median(boots.stream().map(b -> (double) b.syncMillis()).toList()));
                size.put("cairn_wake_basebackup_median_ms", median(boots.stream().map(b -> (double) b.basebackupMillis()).toList()));
                size.put("cairn_wake_postgres_median_ms", median(boots.stream().map(b -> (double) b.postgresMillis()).toList()));
                size.put("basebackup_mb", boots.getLast().basebackupBytes() / 1e6);
                size.put("basebackup_into_compute_mb_per_s", boots.getLast().basebackupBytes() / 1e3
                        / (double) size.get("cairn_wake_basebackup_median_ms"));
                size.put("stock_restart_ms", restarts);
                size.put("stock_restart_median_ms", restartMedian);
                size.put("ratio_wake_over_restart", wakeMedian / restartMedian);
                sizes.add(size);
                System.out.println(size);
            }
            result.put("sizes", sizes);
            result.put("goal", "p50 wake under 2000 ms at 1 GB");
            if (sizes.size() >= 2) {
                Map<String, Object> small = sizes.getFirst();
                Map<String, Object> large = sizes.getLast();
                double extraMs = (double) large.get("cairn_wake_median_ms") - (double) small.get("cairn_wake_median_ms");
                double extraMb = (double) large.get("database_mb") - (double) small.get("database_mb");
                result.put("wake_ms_per_additional_gb", extraMs / extraMb * 1000);
            }
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
        BenchResults.writeAndPrint(resultsDir, "compute-cold-start.json", result);
    }

    private static long databaseSize(BackendAddress a) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + a.host() + ":" + a.port() + "/postgres", p);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_database_size('postgres')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void pgbenchInit(PgBinaries pgBin, BackendAddress a, int scale) {
        Pgbench.run(pgBin, List.of("-i", "-q", "-s", Integer.toString(scale)), "host=" + a.host() + " port=" + a.port()
                + " user=postgres dbname=postgres password=" + PASSWORD);
    }

    private static void firstQuery(BackendAddress a) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        query("jdbc:postgresql://" + a.host() + ":" + a.port() + "/postgres", p);
    }

    private static void firstQueryTrust(int port) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        query("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    private static void query(String url, Properties p) throws Exception {
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT abalance FROM pgbench_accounts WHERE aid = 1")) {
            // a point query: the first answer, not a scan of the whole database
            if (!rs.next() || rs.getInt(1) != 0) {
                throw new IllegalStateException("pgbench_accounts has no row 1 with balance 0 after the start");
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
