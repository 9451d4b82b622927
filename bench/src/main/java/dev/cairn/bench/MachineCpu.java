package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time the whole machine spent busy (user, system, interrupts; all cores), and its context switches,
 * from /proc/stat. Work the kernel does for a process outside its own accounting (softirqs, work queues)
 * shows only here.
 */
final class MachineCpu {
    /** /proc/stat counts in USER_HZ, which is 100 on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private MachineCpu() {
    }

    /** Context switches on all cores since boot (the "ctxt" line). */
    static long contextSwitches() {
        try {
            return Files.readAllLines(PROC_STAT).stream().filter(l -> l.startsWith("ctxt ")).findFirst()
                    .map(l -> Long.parseLong(l.substring(5).trim()))
                    .orElseThrow(() -> new IllegalStateException("/proc/stat has no ctxt line"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }

    static Duration busy() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                    + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return Duration.ofNanos(ticks * NANOS_PER_TICK);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }
}
