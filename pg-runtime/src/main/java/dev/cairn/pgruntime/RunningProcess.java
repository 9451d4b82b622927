package dev.cairn.pgruntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process that still runs. {@link ProcessHandle#isAlive} counts a zombie (exited, not reaped yet) as
 * alive, and a postmaster orphaned to an init that reaps slowly, or not at all, stays one for a while;
 * /proc tells them apart.
 */
public final class RunningProcess {
    private RunningProcess() {
    }

    /** The process {@code pid} if it runs (neither exited nor a zombie). */
    public static Optional<ProcessHandle> of(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(RunningProcess::notZombie);
    }

    public static boolean isRunning(long pid) {
        return of(pid).isPresent();
    }

    private static boolean notZombie(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return true; // no /proc: trust isAlive
        }
    }
}
