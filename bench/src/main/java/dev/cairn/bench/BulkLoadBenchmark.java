package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bulk load and the wake right after it (issue 23): {@code CREATE TABLE AS} of N rows (1M by default)
 * through a {@code cairn local} cluster as users run it (processes, the KMS hierarchy, the proxy with TLS),
 * then the endpoint suspended at once and woken by the next query, which must wait for the pageserver to
 * ingest the load: the ingest lag bound (backpressure) keeps that wait short. The pageserver's ingest lag is
 * sampled during the load. The peer, in the same run: stock PostgreSQL with three streaming standbys and
 * {@code synchronous_standby_names = 'ANY 2 (s1, s2, s3)'}, the same load, then a restart to the first query.
 */
final class BulkLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BulkLoadBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        long rows = BenchArgs.longArg(args, "--rows", 1_000_000);
        int port = BenchArgs.intArg(args, "--port", 25432);
        String load = "CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, " + rows + ") g";
        PgBinaries pgBin = PgBinaries.locate();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "bulk-load");
        result.put("time", Instant.now().toString());
        result.put("load", load);
        result.put("cpus", Runtime.getRuntime().availableProcessors());

        Path cluster = scratch.resolve("cairn");
        ProcessResult started = LocalCairn.cairn(300, "local", "start", "--dir", cluster.toString(), "--port", Integer.toString(port),
                "--idle-suspend", "3600");
        started.requireSuccess("cairn local start");
        String url = started.stdout().lines().filter(l -> l.contains("postgresql://")).findFirst().orElseThrow()
                .replaceAll(".*'(postgresql://[^']+)'.*", "$1");
        try {
            JsonNode status = JSON.readTree(LocalCairn.cairn(60, "local", "status", "--dir", cluster.toString(), "--json")
                    .requireSuccess("cairn local status").stdout());
            URI pageserver = URI.create("http://127.0.0.1:" + LocalCairn.component(status, "pageserver").get("port").asInt()
                    + "/v1/timelines");
            LocalCairn.psql(pgBin, url, "SELECT 1"); // wakes the endpoint before the clock starts
            Lsn before = Lsn.parse(LocalCairn.psql(pgBin, url, "SELECT pg_current_wal_lsn()"));
            LagSampler lag = new LagSampler(pageserver);
            Thread sampler = Thread.ofPlatform().daemon().start(lag);
            long t0 = System.nanoTime();
            LocalCairn.psql(pgBin, url, load);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            lag.stop.set(true);
            sampler.join();
            Lsn after = Lsn.parse(LocalCairn.psql(pgBin, url, "SELECT pg_current_wal_lsn()"));
            LocalCairn.cairn(120, "endpoint", "stop", "main", "--dir", cluster.toString()).requireSuccess("cairn endpoint stop");
            long t1 = System.nanoTime();
            String count = LocalCairn.psql(pgBin, url, "SELECT count(*) FROM bulk");
            double wakeSeconds = (System.nanoTime() - t1) / 1e9;
            if (!count.equals(Long.toString(rows))) {
                throw new IllegalStateException("after the wake, bulk has " + count + " rows, not " + rows);
            }
            JsonNode endpoints = JSON.readTree(LocalCairn.cairn(60, "endpoint", "list", "--json", "--dir", cluster.toString())
                    .requireSuccess("cairn endpoint list").stdout());
            result.put("cairn_load_seconds", loadSeconds);
            result.put("cairn_wal_bytes", after.minus(before));
            result.put("cairn_ingest_lag_bound_bytes", dev.cairn.compute.ComputeSpec.DEFAULT_MAX_INGEST_LAG_BYTES);
            result.put("cairn_max_ingest_lag_bytes_sampled", lag.max.get());
            result.put("cairn_lag_samples", lag.samples.get());
            result.put("cairn_wake_to_first_query_seconds", wakeSeconds);
            result.put("cairn_wake_boot", endpoints.isArray() && !endpoints.isEmpty() ? endpoints.get(0).get("lastBoot") : null);
        } finally {
            LocalCairn.cairn(180, "local", "stop", "--dir", cluster.toString());
        }

        try (PgCluster primary = PgCluster.initdb(pgBin, scratch.resolve("primary"), List.of())) {
            primary.start(Map.of("fsync", "on", "synchronous_commit", "on", "wal_level", "replica",
                    "max_wal_senders", "6", "synchronous_standby_names", "ANY 2 (s1, s2, s3)", "max_wal_size", "4GB"));
            List<PgCluster> standbys = new ArrayList<>();
            try {
                for (String name : List.of("s1", "s2", "s3")) {
                    standbys.add(CommitBenchmark.standby(primary, scratch.resolve(name), name));
                }
                String conn = "host=127.0.0.1 port=" + primary.port() + " user=postgres dbname=postgres";
                Lsn before = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                long t0 = System.nanoTime();
                LocalCairn.psql(pgBin, conn, load);
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                Lsn after = Lsn.parse(LocalCairn.psql(pgBin, conn, "SELECT pg_current_wal_lsn()"));
                long t1 = System.nanoTime();
                primary.stop("fast");
                primary.start(Map.of("fsync", "on", "synchronous_commit", "on", "wal_level", "replica",
                        "max_wal_senders", "6", "synchronous_standby_names", "ANY 2 (s1, s2, s3)", "max_wal_size", "4GB"));
                String count = LocalCairn.psql(pgBin, "host=127.0.0.1 port=" + primary.port() + " user=postgres dbname=postgres",
                        "SELECT count(*) FROM bulk");
                double restartSeconds = (System.nanoTime() - t1) / 1e9;
                if (!count.equals(Long.toString(rows))) {
                    throw new IllegalStateException("after the restart, bulk has " + count + " rows");
                }
                result.put("postgres_any2_of_3_load_seconds", loadSeconds);
                result.put("postgres_any2_of_3_wal_bytes", after.minus(before));
                result.put("postgres_restart_to_first_query_seconds", restartSeconds);
            } finally {
                standbys.forEach(PgCluster::close);
            }
        }
        result.put("ratio_load_time_cairn_over_postgres", (double) result.get("cairn_load_seconds")
                / (double) result.get("postgres_any2_of_3_load_seconds"));
        result.put("ratio_wal_cairn_over_postgres", (double) (long) result.get("cairn_wal_bytes")
                / (long) result.get("postgres_any2_of_3_wal_bytes"));
        BenchResults.writeAndPrint(resultsDir, "bulk-load.json", result);
    }

    /** The pageserver's ingest lag (quorum commit LSN minus ingested LSN), sampled every 200 ms: the largest seen. */
    private static final class LagSampler implements Runnable {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI timelines;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong max = new AtomicLong();
        final AtomicLong samples = new AtomicLong();

        LagSampler(URI timelines) {
            this.timelines = timelines;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(timelines).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    for (JsonNode t : JSON.readTree(r.body()).get("timelines")) {
                        max.accumulateAndGet(t.get("ingestLagBytes").asLong(), Math::max);
                    }
                    samples.incrementAndGet();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a sample missed; the next one counts
                }
            }
        }
    }
}
