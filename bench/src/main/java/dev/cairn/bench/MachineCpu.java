package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole machine's CPU time spent busy (user, system, interrupts; all cores) and its context switches,
 * from one read of /proc/stat: since boot ({@link #now()}), or between two reads ({@link #since}). Work the
 * kernel does for a process outside its own accounting (softirqs, work queues) shows only here.
 */
record MachineCpu(Duration busy, long contextSwitches) {
    /** /proc/stat counts in USER_HZ, which is 100 on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    static MachineCpu now() {
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC_STAT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC_STAT, e);
        }
        String[] f = lines.get(0).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        long switches = lines.stream().filter(l -> l.startsWith("ctxt ")).findFirst()
                .map(l -> Long.parseLong(l.substring(5).trim()))
                .orElseThrow(() -> new IllegalStateException(PROC_STAT + " has no ctxt line"));
        return new MachineCpu(Duration.ofNanos(ticks * NANOS_PER_TICK), switches);
    }

    /** What the machine did between {@code earlier} and this read. */
    MachineCpu since(MachineCpu earlier) {
        return new MachineCpu(busy.minus(earlier.busy), contextSwitches - earlier.contextSwitches);
    }
}
