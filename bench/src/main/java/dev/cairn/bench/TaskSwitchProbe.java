package dev.cairn.bench;

import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What waking another task costs on this machine (bench/probes/process-ring.c, built with the system's C
 * compiler): microseconds per hop of a byte around a ring of 2, 3 and 8 tasks on one core, as processes and
 * as threads of one process. A relay in its own process adds two such hops to every transaction: a cost no
 * relay in a process avoids, whatever its own code does.
 */
final class TaskSwitchProbe {
    private static final List<Integer> RING_SIZES = List.of(2, 3, 8);
    /** Hops per ring: about 20 s for all six rings here. */
    static final int HOPS = 400_000;

    private TaskSwitchProbe() {
    }

    /**
     * Keys {@code task_switch_us_per_hop_<processes|threads>_<n>}, each ring run for {@code hops} hops; or one key
     * saying why the probe did not run.
     */
    static Map<String, Object> measure(Path probes, Path scratch, int hops) {
        Map<String, Object> r = new LinkedHashMap<>();
        Path source = probes.resolve("process-ring.c");
        Path binary = scratch.resolve("process-ring");
        if (!Files.isRegularFile(source)) {
            r.put("task_switch_probe", "not run: " + source + " is missing");
            return r;
        }
        ProcessResult cc;
        try {
            cc = ProcessRunner.run(List.of("cc", "-O2", "-pthread", "-o", binary.toString(), source.toString()), null, 120);
        } catch (UncheckedIOException e) {
            r.put("task_switch_probe", "not run: no C compiler (apt-get install gcc): " + e.getMessage());
            return r;
        }
        if (cc.exitCode() != 0) {
            r.put("task_switch_probe", "not run: cc failed (apt-get install gcc): " + cc.stderr().strip());
            return r;
        }
        for (String mode : List.of("processes", "threads")) {
            for (int tasks : RING_SIZES) {
                ProcessResult run = ProcessRunner.run(List.of(binary.toString(), mode, Integer.toString(tasks),
                        Integer.toString(Math.max(1, hops / tasks))), null, 300).requireSuccess("process-ring " + mode + " " + tasks);
                r.put("task_switch_us_per_hop_" + mode + "_" + tasks, Double.parseDouble(run.stdout().strip()));
            }
        }
        return r;
    }
}
