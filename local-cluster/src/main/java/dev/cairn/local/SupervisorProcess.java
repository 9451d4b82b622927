package dev.cairn.local;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** Finds the running supervisor of a cluster directory through its pid file. */
final class SupervisorProcess {
    private SupervisorProcess() {
    }

    /** The live supervisor, if its pid file names a process that is still a Cairn supervisor. */
    static Optional<ProcessHandle> find(ClusterDir dir) {
        try {
            if (!Files.exists(dir.supervisorPid())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(dir.supervisorPid()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(SupervisorProcess::isSupervisor);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Guards against a recycled pid: the process must be a {@code cairn local supervise}. */
    private static boolean isSupervisor(ProcessHandle p) {
        return p.info().arguments().map(args -> String.join(" ", args).contains("local supervise")).orElse(true);
    }

    /** Child processes recorded in state.json that still run (after a supervisor was killed). */
    static java.util.List<ProcessHandle> orphans(ClusterDir dir) {
        if (!Files.exists(dir.state())) {
            return java.util.List.of();
        }
        String jar = dir.jar().toString();
        return SupervisorState.read(dir.state()).components().stream()
                .filter(c -> c.pid() != null)
                .flatMap(c -> ProcessHandle.of(c.pid()).stream())
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(jar)).orElse(false))
                .toList();
    }
}
