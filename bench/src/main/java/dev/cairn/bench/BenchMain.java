package dev.cairn.bench;

import dev.cairn.pgruntime.ScratchDirectory;

import java.nio.file.Path;

/** Entry point: {@code bench/run NAME} runs one benchmark and writes bench/results/NAME.json. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: bench/run waldump [--scale N] [--transactions N] | bench/run kms | bench/run pageserver [--scale N] [--seconds S] | bench/run proxy [--seconds S] [--clients N] [--rounds N] [--layouts shared,split] | bench/run proxy-idle [--sessions N] [--seconds S] | bench/run coldstart [--rounds N] | bench/run commit [--seconds S] | bench/run bulkload [--rows N] | bench/run tpcb [--seconds S] | bench/run indexes [--seconds S]");
            System.exit(2);
        }
        Path results = Path.of(System.getProperty("cairn.bench.results", "bench/results"));
        // the benchmarks' data directories (up to a few GB) go when the run ends, however it ends
        try (ScratchDirectory dir = ScratchDirectory.create("cairn-bench-" + args[0])) {
            Path scratch = dir.path();
            switch (args[0]) {
                case "waldump" -> WaldumpBenchmark.run(results, scratch, args);
                case "kms" -> KmsBenchmark.run(results, scratch);
                case "pageserver" -> PageserverBenchmark.run(results, scratch, args);
                case "proxy" -> ProxyBenchmark.run(results, scratch, args);
                case "proxy-idle" -> IdleSessionsBenchmark.run(results, scratch, args);
                case "coldstart" -> ColdStartBenchmark.run(results, scratch, args);
                case "commit" -> CommitBenchmark.run(results, scratch, args);
                case "bulkload" -> BulkLoadBenchmark.run(results, scratch, args);
                case "tpcb" -> TpcbBenchmark.run(results, scratch, args);
                case "indexes" -> IndexBenchmark.run(results, scratch, args);
                default -> {
                    System.err.println("unknown benchmark: " + args[0] + " (known: waldump, kms, pageserver, proxy, proxy-idle, coldstart, commit, bulkload, tpcb, indexes)");
                    System.exit(2);
                }
            }
        }
    }
}
