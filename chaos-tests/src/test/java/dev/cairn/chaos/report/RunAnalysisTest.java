package dev.cairn.chaos.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.chaos.checker.CheckResult;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.Op;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.nemesis.FaultEvent;
import dev.cairn.chaos.nemesis.NemesisClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunAnalysisTest {
    private static final long S = 1_000_000_000L;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static void op(History h, int process, long invokeSec, long doneSec, OpType outcome, String sqlstate) {
        h.add(new Op(process, OpType.INVOKE, "write", F.objectNode().put("key", "0").put("value", process), invokeSec * S));
        h.add(new Op(process, outcome, "write", sqlstate == null ? F.objectNode() : F.objectNode().put("sqlstate", sqlstate),
                doneSec * S));
    }

    @Test
    void availabilityCountsOnlyOperationsUnderTheSelectedFaultAloneAndRecoveryIsFirstSuccessAfterAKill(@TempDir Path dir) throws Exception {
        History h = new History();
        op(h, 1, 1, 2, OpType.OK, null);            // before any fault
        op(h, 2, 11, 12, OpType.FAIL, "08006");     // safekeeper kill window, unavailable
        op(h, 3, 12, 13, OpType.OK, null);          // safekeeper kill window, served
        op(h, 4, 13, 14, OpType.FAIL, "40001");     // served: a serialization failure is an answer
        op(h, 5, 31, 32, OpType.FAIL, "57P03");     // compute kill at 30 s: not yet back
        op(h, 6, 33, 35, OpType.OK, null);          // first success after the compute kill
        List<FaultEvent> faults = List.of(
                new FaultEvent(NemesisClass.KILL, "sigkill", "safekeeper-1", 10 * S, 10 * S, true),
                new FaultEvent(NemesisClass.KILL, "sigkill", "compute (pid 1)", 30 * S, 30 * S, false));
        RunReport r = RunAnalysis.analyse(1, 0, 40 * S, List.of("kill"), Map.of("register", h),
                Map.of("register", new CheckResult("register", 6, List.of())), faults, List.of());
        assertThat(r.availabilityDuringSingleSafekeeperFaults()).isEqualTo(2.0 / 3);
        assertThat(r.availabilityDuringFaults()).isEqualTo(3.0 / 5);
        assertThat(r.computeKillRecoveryMillis()).containsExactly(5_000L);
        assertThat(r.faultsByClass()).containsEntry("kill", 2);
        assertThat(r.passed()).isTrue();

        ReportWriter.write(r, dir);
        TimelinePlot.write(dir.resolve("t.png"), 0, 40 * S, Map.of("register", h), faults);
        assertThat(Files.readString(dir.resolve("report.txt"))).contains("anomalies 0").contains("compute kill recovery: median 5000 ms");
        assertThat(Files.size(dir.resolve("t.png"))).isGreaterThan(1000);
    }

    @Test
    void recoveryIsMeasuredFromTheKillToTheFirstSuccessAfterTheOutageWasSeen() {
        History h = new History();
        op(h, 1, 30, 30, OpType.OK, null);          // a backend that has not noticed the kill yet
        op(h, 2, 30, 31, OpType.INFO, "08006");     // the outage: connection lost
        op(h, 3, 30, 32, OpType.FAIL, "57P01");     // terminated with the postmaster
        op(h, 4, 32, 34, OpType.OK, null);          // waits for the new compute: recovery 4 s after the kill
        op(h, 5, 33, 34, OpType.FAIL, "40001");     // served (a serialization failure), not an outage
        assertThat(RunAnalysis.recoveryMillis(h.operations(), 30 * S)).isEqualTo(4_000L);

        History quiet = new History();
        op(quiet, 1, 31, 32, OpType.OK, null);      // no visible outage: the first success counts
        assertThat(RunAnalysis.recoveryMillis(quiet.operations(), 30 * S)).isEqualTo(2_000L);
    }

    @Test
    void theMedianOfAnEvenNumberOfRecoveriesIsTheMeanOfTheMiddleTwo() {
        History h = new History();
        op(h, 1, 10, 11, OpType.FAIL, "57P01");     // kill at 10 s: outage seen at 11 s
        op(h, 2, 12, 12, OpType.OK, null);          // back 2 s after the kill
        op(h, 3, 30, 31, OpType.FAIL, "57P01");     // kill at 30 s
        op(h, 4, 32, 34, OpType.OK, null);          // back 4 s after the kill
        RunReport r = RunAnalysis.analyse(1, 0, 40 * S, List.of("kill"), Map.of("register", h),
                Map.of("register", new CheckResult("register", 4, List.of())), List.of(
                        new FaultEvent(NemesisClass.KILL, "sigkill", "compute (pid 1)", 10 * S, 10 * S, false),
                        new FaultEvent(NemesisClass.KILL, "sigkill", "compute (pid 2)", 30 * S, 30 * S, false)), List.of());
        assertThat(r.computeKillRecoveryMillis()).containsExactly(2_000L, 4_000L);
        assertThat(ReportWriter.text(r)).contains("compute kill recovery: median 3000 ms, max 4000 ms (2 kills)");
    }
}
