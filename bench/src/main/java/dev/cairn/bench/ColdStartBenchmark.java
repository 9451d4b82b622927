package dev.cairn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.compute.ComputeManager;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.proxy.endpoint.BackendAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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

    static void run(Path resultsDir, String[] args) throws Exception {
        int rounds = 10;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        Path scratch = PgCluster.scratchDirectory("cairn-bench-coldstart");
        PgBinaries pgBin = PgBinaries.locate();
        List<AutoCloseable> closeables = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "compute-cold-start");
        result.put("time", Instant.now().toString());
        result.put("rounds", rounds);
        try {
            InJvmCluster cluster = new InJvmCluster(scratch, pgBin, PASSWORD);
            closeables.add(cluster);
            ComputeManager manager = cluster.manager;
            // a database of some size: pgbench scale 5 (about 75 MB)
            BackendAddress first = manager.wake(InJvmCluster.ENDPOINT).get();
            pgbenchInit(pgBin, first);

            List<Double> wakes = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                manager.suspend(InJvmCluster.ENDPOINT);
                long t0 = System.nanoTime();
                BackendAddress a = manager.wake(InJvmCluster.ENDPOINT).get();
                firstQuery(a);
                wakes.add((System.nanoTime() - t0) / 1e6);
            }

            // the peer: a stock PostgreSQL with the same database, restarted on its own data directory
            Path peerData = scratch.resolve("peer");
            List<Double> restarts = new ArrayList<>();
            try (PgCluster peer = PgCluster.initdb(pgBin, peerData, List.of())) {
                peer.start(Map.of("fsync", "off"));
                pgbenchInit(pgBin, new BackendAddress("127.0.0.1", peer.port()));
                for (int r = 0; r < rounds; r++) {
                    peer.stop("fast");
                    long t0 = System.nanoTime();
                    peer.start(Map.of("fsync", "off"));
                    firstQueryTrust(peer.port());
                    restarts.add((System.nanoTime() - t0) / 1e6);
                }
                peer.stop("fast");
            }
            double wakeMedian = median(wakes);
            double restartMedian = median(restarts);
            result.put("database", "pgbench scale 5");
            result.put("cairn_wake_ms", wakes);
            result.put("cairn_wake_median_ms", wakeMedian);
            result.put("stock_restart_ms", restarts);
            result.put("stock_restart_median_ms", restartMedian);
            result.put("ratio_wake_over_restart", wakeMedian / restartMedian);
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
        Files.createDirectories(resultsDir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(resultsDir.resolve("compute-cold-start.json").toFile(), result);
        System.out.println(json.writeValueAsString(result));
    }

    private static void pgbenchInit(PgBinaries pgBin, BackendAddress a) {
        Pgbench.run(pgBin, List.of("-i", "-q", "-s", "5"), "host=" + a.host() + " port=" + a.port()
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
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
            rs.next();
            if (rs.getLong(1) != 500_000) {
                throw new IllegalStateException("pgbench_accounts has " + rs.getLong(1) + " rows after the start, not 500000");
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
