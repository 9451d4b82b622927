package dev.cairn.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The supervisor's report, rewritten atomically on every change.
 *
 * @param ready     every component runs and the default tenant, timeline and endpoint exist
 * @param error     why the cluster could not come up, or null
 */
public record SupervisorState(long supervisorPid, String startedAt, boolean ready, String error,
                              List<ComponentStatus> components) {

    public static SupervisorState read(Path file) {
        try {
            return ClusterConfig.JSON.readValue(Files.readAllBytes(file), SupervisorState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read supervisor state " + file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) {
        ClusterConfig.writePrivate(file, this);
    }
}
