package dev.cairn.bench;

import java.time.Duration;
import java.util.stream.Stream;

/** CPU time a relay process and its descendants used (PgBouncer runs under a user-switching wrapper). */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /**
     * CPU time of a process tree including the children it has reaped (PostgreSQL's backends of closed
     * sessions), from /proc's cutime and cstime of the root; clock ticks of 100 Hz, as Linux reports them.
     */
    static Duration ofTreeWithReaped(ProcessHandle root) {
        Duration live = of(root);
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(root.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long reapedTicks = Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime (fields 16, 17)
            return live.plusMillis(reapedTicks * 10);
        } catch (java.io.IOException | RuntimeException e) {
            return live;
        }
    }

    static Duration of(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .map(p -> p.info().totalCpuDuration().orElseThrow(
                        () -> new IllegalStateException("no CPU time for process " + p.pid())))
                .reduce(Duration.ZERO, Duration::plus);
    }
}
