package dev.cairn.bench;

import dev.cairn.pgruntime.ProcessRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pins processes to CPU cores with taskset(1), so one machine can model two: the database (pgbench and
 * PostgreSQL) on one core, a relay tier on the other, as a proxy tier runs on machines of its own.
 */
final class CorePinning {
    private CorePinning() {
    }

    /** Pins {@code process}, its descendants, and every thread of each, to {@code cores} (taskset's list syntax). */
    static void pin(ProcessHandle process, String cores) {
        for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
            ProcessRunner.run(List.of("taskset", "-a", "-p", "-c", cores, Long.toString(p.pid())), null, 10)
                    .requireSuccess("taskset " + cores + " " + p.pid());
        }
    }

    /** {@code command} run on {@code cores}. */
    static List<String> on(String cores, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cores));
        cmd.addAll(command);
        return cmd;
    }
}
