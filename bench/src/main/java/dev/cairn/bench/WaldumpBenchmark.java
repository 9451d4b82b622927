package dev.cairn.bench;

import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalFormatException;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WAL decode throughput: Cairn's decoder (records fully decoded, CRC checked,
 * as the pageserver needs them) beside {@code pg_waldump --stats} on the same
 * pgbench WAL. Both run on one core when the JVM is started under taskset
 * (bench/run does that).
 */
final class WaldumpBenchmark {
    private static final int ITERATIONS = 7;

    private WaldumpBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int scale = BenchArgs.intArg(args, "--scale", 10);
        int transactions = BenchArgs.intArg(args, "--transactions", 3000);
        PgBinaries bin = PgBinaries.locate();
        try (PgCluster pg = PgCluster.initdb(bin, scratch.resolve("data"), List.of())) {
            pg.start(Map.of("fsync", "off", "max_wal_size", "4GB", "wal_keep_size", "4GB", "checkpoint_timeout", "1h"));
            String port = Integer.toString(pg.port());
            List<String> conn = List.of("-h", "127.0.0.1", "-p", port, "-U", "postgres");
            pg.tool("pgbench", concat(conn, List.of("-i", "-q", "-s", Integer.toString(scale), "postgres")), 1800)
                    .requireSuccess("pgbench -i");
            pg.tool("pgbench", concat(conn, List.of("-n", "-c", "4", "-j", "2", "-t", Integer.toString(transactions), "postgres")),
                    1800).requireSuccess("pgbench");
            pg.stop("fast");

            List<Path> segments = WalReader.listSegments(pg.walDir());
            String first = segments.get(0).getFileName().toString();
            String last = segments.get(segments.size() - 1).getFileName().toString();

            long records = 0;
            long walBytes = 0;
            List<Double> ours = new ArrayList<>();
            for (int i = 0; i < ITERATIONS + 2; i++) {
                long t0 = System.nanoTime();
                long[] result = decodeAll(segments);
                double seconds = (System.nanoTime() - t0) / 1e9;
                records = result[0];
                walBytes = result[1];
                if (i >= 2) {
                    ours.add(seconds); // the first two warm up the JIT and the page cache
                }
            }
            List<Double> theirs = new ArrayList<>();
            for (int i = 0; i < ITERATIONS + 1; i++) {
                // Run directly (not through a user switch) so only pg_waldump itself is timed.
                List<String> cmd = List.of(bin.tool("pg_waldump").toString(), "--stats", "-p", pg.walDir().toString(),
                        first, last);
                long t0 = System.nanoTime();
                ProcessResult r = ProcessRunner.run(cmd, null, 600);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (!r.stdout().contains("Total")) {
                    throw new IllegalStateException("pg_waldump --stats failed: " + r.stderr());
                }
                if (i >= 1) {
                    theirs.add(seconds);
                }
            }
            double oursMedian = median(ours);
            double theirsMedian = median(theirs);
            double mb = walBytes / 1e6;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "waldump-decode");
            result.put("time", Instant.now().toString());
            result.put("workload", "pgbench -s " + scale + " init + " + transactions + " tx x 4 clients");
            result.put("wal_bytes", walBytes);
            result.put("records", records);
            result.put("segments", segments.size());
            result.put("iterations", ITERATIONS);
            result.put("cairn_seconds_median", oursMedian);
            result.put("cairn_mb_per_s", mb / oursMedian);
            result.put("pg_waldump_seconds_median", theirsMedian);
            result.put("pg_waldump_mb_per_s", mb / theirsMedian);
            result.put("ratio_cairn_over_pg_waldump", theirsMedian / oursMedian);
            result.put("cpus_available_to_jvm", Runtime.getRuntime().availableProcessors());
            result.put("java", System.getProperty("java.version"));
            Path out = BenchResults.write(resultsDir, "waldump-decode.json", result);
            System.out.printf("WAL: %.1f MB, %d records%n", mb, records);
            System.out.printf("cairn decoder : %8.1f MB/s (median of %d)%n", mb / oursMedian, ITERATIONS);
            System.out.printf("pg_waldump -z : %8.1f MB/s (median of %d)%n", mb / theirsMedian, ITERATIONS);
            System.out.printf("ratio cairn/pg_waldump: %.2f  -> %s%n", theirsMedian / oursMedian, out);
        }
    }

    /** Decodes every record; returns {records, bytes of WAL covered}. */
    private static long[] decodeAll(List<Path> segments) {
        long count = 0;
        long first = -1;
        long end = 0;
        try (WalReader reader = WalReader.open(segments)) {
            DecodedRecord r;
            while ((r = reader.next()) != null) {
                if (first < 0) {
                    first = r.lsn().value();
                }
                end = r.endLsn().value();
                count++;
            }
        } catch (WalFormatException e) {
            if (!e.isEndOfWal()) {
                throw e;
            }
        }
        return new long[] {count, end - first};
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
