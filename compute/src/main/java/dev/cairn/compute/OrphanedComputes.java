package dev.cairn.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the computes a compute manager started and can no longer supervise because it died (SIGKILL, OOM,
 * crash), from its {@link ComputeRecords}: postgres shut down immediately, its state directory (plaintext
 * PGDATA) deleted, the record removed. A manager runs this before it serves wakes, and {@code cairn local
 * stop} after the cluster's processes are down, for a manager that was dead at that moment.
 * <p>
 * Stopped, not adopted: the compute's proposer and WAL streamer lived in the dead manager, so its postgres
 * can acknowledge no commit any more (each waits for the quorum), and the next wake boots a fresh compute
 * from the quorum, which has every acknowledged commit. Adopting would mean rebuilding a proposer for a
 * running postgres in the middle of its term.
 */
public final class OrphanedComputes {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedComputes.class);
    /** How long the postmaster gets to take its children down after SIGQUIT before it gets SIGKILL. */
    private static final long QUIT_WAIT_MILLIS = 10_000;
    private static final long KILL_WAIT_MILLIS = 5_000;

    private OrphanedComputes() {
    }

    /**
     * Stops every compute recorded in {@code managerDataDir} and deletes its state.
     *
     * @return the computes stopped (a record whose postgres had already exited counts: its state is deleted)
     */
    public static List<ComputeRecord> stopAll(Path managerDataDir) throws InterruptedException {
        ComputeRecords records = new ComputeRecords(managerDataDir);
        List<ComputeRecord> stopped = new ArrayList<>();
        for (ComputeRecord r : records.list()) {
            if (!plausible(r)) {
                LOG.warn("compute record {} does not name a compute's state directory; left as it is", r);
                continue;
            }
            if (stop(r)) {
                records.remove(r.stateDirectory());
                stopped.add(r);
            }
        }
        return stopped;
    }

    /** Guards the recursive delete: an absolute directory named after the endpoint, as ComputeAgent makes it. */
    private static boolean plausible(ComputeRecord r) {
        if (r.endpoint() == null || r.stateDir() == null) {
            return false;
        }
        Path dir = r.stateDirectory();
        return dir.isAbsolute() && dir.getNameCount() >= 2 && dir.normalize().equals(dir)
                && dir.getFileName().toString().startsWith(r.endpoint() + "-");
    }

    /** @return whether nothing of the compute is left (no process, no state directory) */
    private static boolean stop(ComputeRecord r) throws InterruptedException {
        ComputeProcesses processes = new ComputeProcesses(r.stateDirectory());
        // immediate shutdown: SIGQUIT makes the postmaster take its children down with it
        List<Long> postmasters = new ArrayList<>(processes.naming());
        if (r.postmasterPid() != null && !postmasters.contains(r.postmasterPid())
                && processes.namesStateDir(r.postmasterPid())) {
            postmasters.add(r.postmasterPid());
        }
        postmasters.forEach(pid -> ComputeProcesses.signal(pid, ComputeProcesses.SIGQUIT));
        List<Long> left = ComputeProcesses.awaitExit(postmasters, QUIT_WAIT_MILLIS);
        left.forEach(pid -> ComputeProcesses.signal(pid, ComputeProcesses.SIGKILL));
        ComputeProcesses.awaitExit(left, KILL_WAIT_MILLIS);
        // whatever still works in the data directory: children of a postmaster that had to be SIGKILLed
        List<Long> stragglers = processes.all();
        stragglers.forEach(pid -> ComputeProcesses.signal(pid, ComputeProcesses.SIGKILL));
        List<Long> survivors = ComputeProcesses.awaitExit(stragglers, KILL_WAIT_MILLIS);
        boolean deleted = delete(r.stateDirectory());
        if (!postmasters.isEmpty() || !stragglers.isEmpty()) {
            LOG.warn("stopped the orphaned compute of endpoint {}: postmaster {}, {} more process(es) killed; state {}"
                    + " deleted", r.endpoint(), postmasters, stragglers.size(), r.stateDir());
        } else {
            LOG.info("the compute of endpoint {} recorded in {} no longer ran; its state is deleted", r.endpoint(),
                    r.stateDir());
        }
        if (!survivors.isEmpty()) {
            LOG.error("endpoint {}: processes {} of the orphaned compute in {} survived SIGKILL; its record is kept",
                    r.endpoint(), survivors, r.stateDir());
        }
        return survivors.isEmpty() && deleted;
    }

    private static boolean delete(Path stateDir) {
        try {
            ComputeStateDirectory.delete(stateDir);
        } catch (UncheckedIOException e) {
            LOG.error("cannot delete the orphaned compute's state {}: {}", stateDir, e.getCause().getMessage());
        }
        return !Files.exists(stateDir);
    }
}
