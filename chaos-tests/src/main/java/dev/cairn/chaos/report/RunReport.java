package dev.cairn.chaos.report;

import dev.cairn.chaos.checker.Anomaly;
import dev.cairn.chaos.nemesis.FaultEvent;

import java.util.List;
import java.util.Map;

/**
 * What a chaos run found: per workload the operations and anomalies, the faults injected, availability
 * while faults were active, and how long clients waited after each compute kill.
 *
 * @param availabilityDuringFaults             share of operations invoked during a fault that were served
 * @param availabilityDuringSingleSafekeeperFaults the same, only while just one safekeeper was down or cut off
 * @param computeKillRecoveryMillis            per compute kill: until the first operation after it succeeded
 * @param unrecovered                          why the cluster did not serve the final reads after every fault was
 *                                             healed (empty when it did): a liveness failure
 */
public record RunReport(long seed, double durationSeconds, List<String> nemeses, List<WorkloadResult> workloads,
                        List<FaultSummary> faults, Map<String, Integer> faultsByClass, double availabilityDuringFaults,
                        double availabilityDuringSingleSafekeeperFaults, List<Long> computeKillRecoveryMillis,
                        List<String> unrecovered) {

    /** One workload's operations and the anomalies its checker found. */
    public record WorkloadResult(String workload, int operations, int ok, int fail, int info, List<Anomaly> anomalies) {
    }

    /** A fault as reported (times in seconds since the run started). */
    public record FaultSummary(String nemesis, String kind, String target, double startSeconds, double endSeconds) {
        static FaultSummary of(FaultEvent e, long runStart) {
            return new FaultSummary(e.nemesis().name().toLowerCase(), e.kind(), e.target(),
                    (e.startNanos() - runStart) / 1e9, (e.endNanos() - runStart) / 1e9);
        }
    }

    public int anomalyCount() {
        return workloads.stream().mapToInt(w -> w.anomalies().size()).sum();
    }

    /** No anomaly in any history, and the cluster served again once the faults were healed. */
    public boolean passed() {
        return anomalyCount() == 0 && unrecovered.isEmpty();
    }

    public int operationCount() {
        return workloads.stream().mapToInt(WorkloadResult::operations).sum();
    }
}
