package dev.cairn.bench;

import dev.cairn.pgruntime.PgBinaries;

import java.nio.file.Path;
import java.util.List;

/** pgbench TPC-B at scale 10 with 8 clients, Cairn against the quorum peer ({@link QuorumPgbench}). */
final class TpcbBenchmark {
    private TpcbBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        PgBinaries pgBin = PgBinaries.locate();
        QuorumPgbench.run(resultsDir, scratch, args, new QuorumPgbench.Workload("tpcb", "pgbench scale 10",
                conn -> Pgbench.run(pgBin, List.of("-i", "-q", "-s", "10"), conn),
                List.of("-n", "-c", "8", "-j", "2", "-T", Integer.toString(QuorumPgbench.seconds(args)))));
    }
}
