package dev.cairn.compute;

import java.nio.file.Path;

/**
 * A compute a manager started, as it records it on disk before the compute's postgres starts: the endpoint,
 * the state directory holding its plaintext PGDATA, and the postmaster's pid once known (null until then).
 */
public record ComputeRecord(String endpoint, String stateDir, Long postmasterPid) {
    public Path stateDirectory() {
        return Path.of(stateDir);
    }
}
