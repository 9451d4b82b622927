package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time the whole machine spent busy (user, system, interrupts; all cores), from /proc/stat. Work the
 * kernel does for a process outside its own accounting (softirqs, work queues) shows only here.
 */
final class MachineCpu {
    /** /proc/stat counts in USER_HZ, which is 100 on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private MachineCpu() {
    }

    static Duration busy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                    + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return Duration.ofNanos(ticks * NANOS_PER_TICK);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }
}
