package dev.cairn.chaos.run;

import dev.cairn.chaos.nemesis.NemesisClass;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One chaos run.
 *
 * @param cairn      how to run the cairn command (the cluster's processes come from the same jar)
 * @param out        where histories, the report and the plot go
 * @param basePort   the proxy port of the run's cluster; the next 26 ports are used too
 * @param clients    concurrent clients per workload
 * @param gap        healthy time between faults (up to)
 * @param hold       how long each fault lasts (up to)
 */
public record ChaosConfig(List<String> cairn, Path out, int basePort, long seed, Duration duration,
                          Set<NemesisClass> nemeses, Set<String> workloads, int clients, Duration gap, Duration hold) {
    public static final Set<String> WORKLOADS = Set.of("bank", "append", "register");

    public ChaosConfig {
        if (!WORKLOADS.containsAll(workloads) || workloads.isEmpty()) {
            throw new IllegalArgumentException("workloads must be some of " + WORKLOADS + ", got " + workloads);
        }
        if (duration.isNegative() || duration.isZero() || clients < 1) {
            throw new IllegalArgumentException("duration and clients must be positive");
        }
    }
}
