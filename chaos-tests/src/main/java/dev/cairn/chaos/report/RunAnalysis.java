package dev.cairn.chaos.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.chaos.checker.CheckResult;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.history.Operation;
import dev.cairn.chaos.nemesis.FaultEvent;
import dev.cairn.chaos.nemesis.NemesisClass;
import dev.cairn.chaos.workload.WorkloadRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Turns histories, checker results and the fault log into a {@link RunReport}. Pure: no I/O. */
public final class RunAnalysis {
    /** A kill has no duration of its own; the cluster is counted as "under fault" this long after it. */
    static final long KILL_WINDOW_NANOS = 10_000_000_000L;

    private RunAnalysis() {
    }

    public static RunReport analyse(long seed, long runStart, long runEnd, List<String> nemeses,
                                    Map<String, History> histories, Map<String, CheckResult> results,
                                    List<FaultEvent> faults, List<String> unrecovered) {
        List<RunReport.WorkloadResult> workloads = new ArrayList<>();
        List<Operation> all = new ArrayList<>();
        for (var e : histories.entrySet()) {
            List<Operation> ops = e.getValue().operations();
            all.addAll(ops);
            workloads.add(new RunReport.WorkloadResult(e.getKey(), ops.size(),
                    count(ops, OpType.OK), count(ops, OpType.FAIL), count(ops, OpType.INFO),
                    results.get(e.getKey()).anomalies()));
        }
        Map<String, Integer> byClass = new TreeMap<>();
        faults.forEach(f -> byClass.merge(f.nemesis().name().toLowerCase(), 1, Integer::sum));
        List<Long> recoveries = new ArrayList<>();
        for (FaultEvent f : faults) {
            if (f.nemesis() == NemesisClass.KILL && f.target().startsWith("compute")) {
                recoveries.add(recoveryMillis(all, f.startNanos()));
            }
        }
        return new RunReport(seed, (runEnd - runStart) / 1e9, nemeses, workloads,
                faults.stream().map(f -> RunReport.FaultSummary.of(f, runStart)).toList(), byClass,
                availability(all, faults, f -> true), availability(all, faults, FaultEvent::singleSafekeeper), recoveries,
                List.copyOf(unrecovered));
    }

    private static int count(List<Operation> ops, OpType t) {
        return (int) ops.stream().filter(o -> o.outcome() == t).count();
    }

    /**
     * Served: the database answered. OK, refused by the data (a CAS that did not match, a transfer without
     * funds), or rolled back by PostgreSQL's own concurrency control (SQLSTATE 40xxx).
     */
    static boolean served(Operation op) {
        if (op.ok()) {
            return true;
        }
        JsonNode v = op.complete().value();
        return op.outcome() == OpType.FAIL && (v.has(WorkloadRunner.REFUSED)
                || v.path(WorkloadRunner.SQLSTATE).asText().startsWith("40"));
    }

    /**
     * The share of operations served among those invoked while a fault of the selected kind was active and
     * no other fault was (so a revocation overlapping a safekeeper kill does not count against the latter).
     */
    static double availability(List<Operation> ops, List<FaultEvent> faults, Predicate<FaultEvent> which) {
        long total = 0;
        long served = 0;
        for (Operation op : ops) {
            long t = op.invoke().nanos();
            boolean inSelected = false;
            boolean inOther = false;
            for (FaultEvent f : faults) {
                if (t >= f.startNanos() && t <= windowEnd(f)) {
                    if (which.test(f)) {
                        inSelected = true;
                    } else {
                        inOther = true;
                    }
                }
            }
            if (inSelected && !inOther) {
                total++;
                served += served(op) ? 1 : 0;
            }
        }
        return total == 0 ? Double.NaN : (double) served / total;
    }

    private static long windowEnd(FaultEvent f) {
        return f.nemesis() == NemesisClass.KILL ? Math.max(f.endNanos(), f.startNanos() + KILL_WINDOW_NANOS) : f.endNanos();
    }

    /**
     * From the kill until the service is back: the first success among operations invoked after the kill's
     * first visible failure (an operation invoked in the kill window that the database did not serve).
     * Operations on backends that have not yet noticed their postmaster's death can still succeed right
     * after a kill; they say nothing about recovery. Without a visible failure: the first success after the kill.
     */
    static long recoveryMillis(List<Operation> ops, long killNanos) {
        long outageSeen = ops.stream()
                .filter(o -> !served(o) && o.start() >= killNanos && o.start() <= killNanos + KILL_WINDOW_NANOS)
                .mapToLong(o -> o.complete().nanos() == Long.MAX_VALUE ? o.start() : o.complete().nanos()).min().orElse(killNanos);
        return ops.stream().filter(o -> o.ok() && o.start() > outageSeen)
                .mapToLong(o -> o.complete().nanos() - killNanos).min().orElse(-1_000_000L) / 1_000_000;
    }
}
