package dev.cairn.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The task-switch probe built and run for real (cc from .ci/run), and the machine's switch counter. */
class TaskSwitchProbeTest {
    private static final Path PROBES = Path.of("probes"); // tests run in the bench module's directory

    @Test
    void timesEveryRingAsProcessesAndAsThreads(@TempDir Path scratch) {
        Map<String, Object> r = TaskSwitchProbe.measure(PROBES, scratch, 3_000);

        assertThat(r).containsOnlyKeys(
                "task_switch_us_per_hop_processes_2", "task_switch_us_per_hop_processes_3", "task_switch_us_per_hop_processes_8",
                "task_switch_us_per_hop_threads_2", "task_switch_us_per_hop_threads_3", "task_switch_us_per_hop_threads_8");
        // a hop is a read, a write and a switch: more than nothing, far less than a millisecond
        assertThat(r.values()).allSatisfy(v -> assertThat((Double) v).isGreaterThan(0.05).isLessThan(1_000.0));
    }

    @Test
    void aMissingProbeIsReportedInTheResultsNotThrown(@TempDir Path scratch) {
        Map<String, Object> r = TaskSwitchProbe.measure(scratch.resolve("no-probes"), scratch, 3_000);

        assertThat(r).containsOnlyKeys("task_switch_probe");
        assertThat((String) r.get("task_switch_probe")).startsWith("not run: ").contains("process-ring.c is missing");
    }

    @Test
    void theMachineCountsTheSwitchesOfAThreadThatSleeps() throws InterruptedException {
        MachineCpu before = MachineCpu.now();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(1); // each sleep switches this thread out and, a millisecond later, back in
        }

        assertThat(MachineCpu.now().since(before).contextSwitches()).isGreaterThanOrEqualTo(50);
    }
}
