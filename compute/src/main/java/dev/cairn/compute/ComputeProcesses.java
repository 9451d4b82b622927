package dev.cairn.compute;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.cairn.pgruntime.RunningProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The live processes of one compute, found in /proc through its state directory. Pids get reused, so a pid
 * counts as the compute's only while its process still points into that directory: the postmaster and
 * pg_ctl name it on their command line ({@code -D <state dir>/data}); every postgres process, the
 * postmaster's children included (their command line is rewritten), works in the data directory.
 */
final class ComputeProcesses {
    static final int SIGQUIT = 3;
    static final int SIGKILL = 9;
    private static final int ESRCH = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ComputeProcesses.class);
    private static final Path PROC = Path.of("/proc");

    private final String stateDir;

    ComputeProcesses(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath().normalize().toString();
    }

    /** Whether {@code pid} runs (a zombie does not) and names the state directory on its command line. */
    boolean namesStateDir(long pid) {
        return alive(pid) && commandLine(pid).stream().anyMatch(this::inStateDir);
    }

    /** Processes naming the state directory on their command line: the postmaster, pg_ctl, psql. */
    List<Long> naming() {
        return pids().stream().filter(this::namesStateDir).toList();
    }

    /** Every live process of the compute: naming the state directory, or working in it. */
    List<Long> all() {
        return pids().stream().filter(p -> namesStateDir(p) || (alive(p) && inStateDir(workingDirectory(p)))).toList();
    }

    /** Whether the process runs: a zombie (a killed process nobody reaped yet) does not. */
    static boolean alive(long pid) {
        return RunningProcess.isRunning(pid);
    }

    /**
     * Sends {@code signal} ({@link #SIGQUIT}, {@link #SIGKILL}) to the process through kill(2): computes may run
     * where no kill binary is installed (the official postgres image). One that exited meanwhile is fine; one
     * this user may not signal stays, and the caller finds it still running.
     */
    static void signal(long pid, int signal) {
        try {
            LibC.INSTANCE.kill((int) pid, signal);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ESRCH) {
                LOG.warn("cannot send signal {} to process {}: errno {}", signal, pid, e.getErrorCode());
            }
        }
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int kill(int pid, int signal) throws LastErrorException;
    }

    /** Waits up to {@code millis} for every one of {@code pids} to be gone; returns those still alive. */
    static List<Long> awaitExit(List<Long> pids, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Long> left = pids.stream().filter(ComputeProcesses::alive).toList();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = left.stream().filter(ComputeProcesses::alive).toList();
        }
        return left;
    }

    private boolean inStateDir(String path) {
        return path != null && (path.equals(stateDir) || path.contains(stateDir + "/"));
    }

    private static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> all = Files.list(PROC)) {
            all.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> out.add(Long.parseLong(n)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list processes in " + PROC, e);
        }
        return out;
    }

    private static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // exited meanwhile
        }
    }

    /** Null when the process exited or its working directory cannot be read (another user's, without root). */
    private static String workingDirectory(long pid) {
        try {
            return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
