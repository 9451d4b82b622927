package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.proxy.tls.SelfSignedCertificate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A pgbench workload through a {@code cairn local} cluster as users run it (processes, the KMS hierarchy, the
 * proxy with TLS), against stock PostgreSQL with three streaming standbys and
 * {@code synchronous_standby_names = 'ANY 2 (s1, s2, s3)'}, also over TLS, in the same run. Reports throughput,
 * WAL bytes per transaction (the peer's primary runs stock defaults: full-page writes on), also with the peer held
 * to Cairn's rate, the ingest lag when pgbench ends, and each Cairn component's CPU time per transaction.
 */
final class QuorumPgbench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMPONENTS = List.of("safekeeper-1", "safekeeper-2", "safekeeper-3",
            "pageserver", "compute-manager", "proxy");

    /**
     * What pgbench runs on both sides.
     *
     * @param name        the benchmark's name, and its results file's
     * @param description what the results say the workload is
     * @param init        prepares the database behind a connection string (tables, rows, indexes)
     * @param options     pgbench's options for the measured run, without the connection string
     */
    record Workload(String name, String description, Consumer<String> init, List<String> options) {
    }

    private QuorumPgbench() {
    }

    /** The measured seconds ({@code --seconds}, 30 by default). */
    static int seconds(String[] args) {
        return BenchArgs.intArg(args, "--seconds", 30);
    }

    /** Runs {@code w} on a {@code cairn local} cluster at {@code --port} (26432 by default), then on the peer. */
    static void run(Path resultsDir, Path scratch, String[] args, Workload w) throws Exception {
        int port = BenchArgs.intArg(args, "--port", 26432);
        List<String> workload = w.options();
        PgBinaries pgBin = PgBinaries.locate();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", w.name());
        result.put("time", Instant.now().toString());
        result.put("workload", w.description() + ", " + String.join(" ", workload) + ", TLS");
        result.put("cpus", Runtime.getRuntime().availableProcessors());

        try (LocalCairn cairn = LocalCairn.start(scratch.resolve("cairn"), port)) {
            String url = cairn.url();
            w.init().accept(url);
            JsonNode status = cairn.status();
            Map<String, Duration> cpuBefore = cpu(cairn, status);
            Lsn before = Lsn.parse(LocalCairn.psql(pgBin, url, "SELECT pg_current_wal_lsn()"));
            String out = Pgbench.run(pgBin, workload, url);
            long end = System.nanoTime();
            double lagSeconds = awaitIngest(cairn.pageserverTimelines(status), end);
            Lsn after = Lsn.parse(LocalCairn.psql(pgBin, url, "SELECT pg_current_wal_lsn()"));
            Map<String, Duration> cpuAfter = cpu(cairn, cairn.status());
            long txns = Pgbench.transactions(out);
            result.put("cairn_tps", Pgbench.tps(out));
            result.put("cairn_transactions", txns);
            result.put("cairn_wal_bytes_per_transaction", (double) after.minus(before) / txns);
            result.put("cairn_ingest_lag_seconds_at_pgbench_end", lagSeconds);
            result.put("ingest_lag_goal_seconds", 1.0);
            Map<String, Double> perTxn = new LinkedHashMap<>();
            for (String c : cpuAfter.keySet()) {
                Duration spent = cpuAfter.get(c).minus(cpuBefore.getOrDefault(c, Duration.ZERO));
                perTxn.put(c, spent.toNanos() / 1e3 / txns);
            }
            result.put("cairn_cpu_microseconds_per_transaction", perTxn);
        }

        try (PgCluster primary = PgCluster.initdb(pgBin, scratch.resolve("primary"), List.of())) {
            Map<String, String> settings = tls(primary);
            settings.putAll(Map.of("synchronous_commit", "on", "wal_level", "replica", "max_wal_senders", "6",
                    "synchronous_standby_names", "ANY 2 (s1, s2, s3)"));
            primary.start(settings);
            List<PgCluster> standbys = new ArrayList<>();
            try {
                for (String name : List.of("s1", "s2", "s3")) {
                    standbys.add(CommitBenchmark.standby(primary, scratch.resolve(name), name));
                }
                String conn = "host=127.0.0.1 port=" + primary.port() + " user=postgres dbname=postgres sslmode=require";
                w.init().accept(conn);
                Lsn before = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                String out = Pgbench.run(pgBin, workload, conn);
                Lsn after = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                long txns = Pgbench.transactions(out);
                result.put("postgres_any2_of_3_tps", Pgbench.tps(out));
                result.put("postgres_wal_bytes_per_transaction", (double) after.minus(before) / txns);
                // WAL that does not come with transactions (autovacuum, running-xacts, checkpoints) is spread
                // over fewer of them at a lower rate: the peer again, held to Cairn's rate, separates the two.
                double cairnRate = (double) result.get("cairn_tps");
                List<String> atCairnRate = new ArrayList<>(workload);
                atCairnRate.addAll(List.of("-R", Long.toString(Math.round(cairnRate))));
                before = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                out = Pgbench.run(pgBin, atCairnRate, conn);
                after = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                result.put("postgres_at_cairn_rate_tps", Pgbench.tps(out));
                result.put("postgres_at_cairn_rate_wal_bytes_per_transaction",
                        (double) after.minus(before) / Pgbench.transactions(out));
            } finally {
                standbys.forEach(PgCluster::close);
            }
        }
        result.put("ratio_tps_cairn_over_postgres_quorum", (double) result.get("cairn_tps")
                / (double) result.get("postgres_any2_of_3_tps"));
        result.put("ratio_wal_cairn_over_postgres", (double) result.get("cairn_wal_bytes_per_transaction")
                / (double) result.get("postgres_wal_bytes_per_transaction"));
        result.put("ratio_wal_cairn_over_postgres_at_the_same_rate", (double) result.get("cairn_wal_bytes_per_transaction")
                / (double) result.get("postgres_at_cairn_rate_wal_bytes_per_transaction"));
        BenchResults.writeAndPrint(resultsDir, w.name() + ".json", result);
    }

    /** Stock PostgreSQL serving TLS with a fresh self-signed certificate. */
    private static Map<String, String> tls(PgCluster pg) throws Exception {
        Path cert = pg.dataDir().resolve("server.crt");
        Path key = pg.dataDir().resolve("server.key");
        SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1)).writePem(cert, key);
        pg.user().own(pg.dataDir());
        return new HashMap<>(Map.of("ssl", "on", "ssl_cert_file", cert.toString(), "ssl_key_file", key.toString()));
    }

    /** CPU time so far of each component process, and of the running compute's postgres (postmaster and children). */
    private static Map<String, Duration> cpu(LocalCairn cairn, JsonNode status) throws Exception {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String c : COMPONENTS) {
            cairn.process(status, c).ifPresent(p -> out.put(c, p.info().totalCpuDuration().orElse(Duration.ZERO)));
        }
        for (JsonNode e : cairn.endpoints()) {
            if (e.hasNonNull("pid")) {
                ProcessHandle.of(e.get("pid").asLong()).ifPresent(p -> out.put("compute (postgres)",
                        ProcessCpu.ofTreeWithReaped(p)));
            }
        }
        return out;
    }

    /** Seconds from {@code endNanos} until the pageserver's ingest lag is 0 on every timeline (null: not in 60 s). */
    private static Double awaitIngest(URI timelines, long endNanos) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() - endNanos < 60_000_000_000L) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(timelines).build(),
                        HttpResponse.BodyHandlers.ofString());
                boolean caughtUp = true;
                for (JsonNode t : JSON.readTree(r.body()).get("timelines")) {
                    caughtUp &= t.get("ingestLagBytes").asLong() == 0;
                }
                if (caughtUp) {
                    return (System.nanoTime() - endNanos) / 1e9;
                }
                Thread.sleep(5);
            }
            return null;
        }
    }
}
