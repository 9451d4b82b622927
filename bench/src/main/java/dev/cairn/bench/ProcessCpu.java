package dev.cairn.bench;

import java.time.Duration;
import java.util.stream.Stream;

/** CPU time a relay process and its descendants used (PgBouncer runs under a user-switching wrapper). */
final class ProcessCpu {
    private ProcessCpu() {
    }

    static Duration of(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .map(p -> p.info().totalCpuDuration().orElseThrow(
                        () -> new IllegalStateException("no CPU time for process " + p.pid())))
                .reduce(Duration.ZERO, Duration::plus);
    }
}
