package dev.cairn.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.chaos.nemesis.Nemesis;
import dev.cairn.pgruntime.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI chaos run: `cairn chaos run` from the packaged jar against a cluster of processes, every nemesis
 * class at least once while all three workloads run through the proxy; the histories must check clean, and
 * a SIGKILLed compute manager's compute must be gone once the manager is back.
 */
class ChaosRunIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyWorkloadUnderEveryNemesisClassWithoutAnomalies(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path out) throws Exception { // a failed run's cluster is kept
        ProcessResult r = CairnJar.run(900, "chaos", "run", "--time", "150s", "--gap", "5s", "--hold", "6s",
                "--seed", "20261124", "--clients", "3", "--port", Integer.toString(LocalClusterIT.freeBase()),
                "--out", out.resolve("run").toString());
        String report = Files.exists(out.resolve("run/report.txt")) ? Files.readString(out.resolve("run/report.txt")) : "(none)";
        System.out.println(report);
        assertThat(r.exitCode()).as("chaos run:\n%s\n%s", r.stdout(), r.stderr()).isZero();

        JsonNode json = JSON.readTree(out.resolve("run/report.json").toFile());
        assertThat(json.get("faultsByClass").size()).as("nemesis classes injected: %s", report).isEqualTo(6);
        for (JsonNode f : json.get("faults")) {
            if (f.get("nemesis").asText().equals("orphan")) {
                assertThat(f.get("target").asText()).as("a SIGKILLed compute manager's compute, once it is back")
                        .contains("restarted").doesNotContain(Nemesis.STILL_RUNS);
            }
        }
        assertThat(json.get("unrecovered").size()).as("the cluster serves after the faults: %s", report).isZero();
        for (JsonNode w : json.get("workloads")) {
            assertThat(w.get("anomalies").size()).as("anomalies of %s", w.get("workload")).isZero();
            assertThat(w.get("ok").asInt()).as("successful operations of %s", w.get("workload")).isGreaterThan(100);
        }
        for (String f : new String[]{"history-bank.jsonl", "history-append.jsonl", "history-register.jsonl",
                "faults.jsonl", "timeline.png"}) {
            assertThat(out.resolve("run").resolve(f)).isNotEmptyFile();
        }
        ProcessResult bad = CairnJar.run(60, "chaos", "run", "--nemesis", "meteor", "--out", out.resolve("bad").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("unknown nemesis 'meteor'");
    }
}
