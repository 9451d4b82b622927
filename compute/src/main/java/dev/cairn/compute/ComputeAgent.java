package dev.cairn.compute;

import dev.cairn.compute.api.BootTimings;

import dev.cairn.pageserver.api.BasebackupHeader;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proposer.compute.ComputeAddress;
import dev.cairn.proposer.compute.ComputeWalStreamer;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.proposer.ProposerDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs one endpoint's compute (DESIGN.md section 6): sync the safekeepers to L, fetch the pageserver's
 * basebackup taken at exactly L, start stock postgres on it with the compute settings, stream its WAL
 * through the proposer elected during sync. Supervises it: postgres dying restarts the compute through the
 * same path; the proposer being fenced (another compute won a newer term) stops it at once. Suspend shuts
 * postgres down cleanly, waits for the quorum to have its last WAL, and deletes the compute's local state.
 */
public final class ComputeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeAgent.class);
    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BASEBACKUP_WAIT = Duration.ofSeconds(60);
    private static final Duration FINAL_WAL_WAIT = Duration.ofSeconds(15);

    private final ComputeSpec spec;
    private final ComputeRecords records;
    private final ScheduledExecutorService watchdog;
    private volatile ComputeState state = ComputeState.SUSPENDED;
    private volatile String lastError;
    private volatile Instant startedAt;
    private volatile Lsn syncLsn = Lsn.INVALID;
    private volatile BootTimings lastBoot;
    private volatile int restarts;
    /** Written under this agent's lock; read without it, so status never waits for a boot that holds the lock. */
    private volatile Running running;
    /** The thread running a boot, which holds the lock for up to a minute (sync, basebackup); else null. */
    private volatile Thread booting;

    /** The parts of a running compute, torn down together. */
    private record Running(Path root, PgCluster postgres, ProposerDriver proposer, IngestWatch ingest,
                           ComputeWalStreamer streamer, BackendAddress address) {
    }

    public ComputeAgent(ComputeSpec spec) {
        this(spec, ComputeRecords.NONE);
    }

    /** @param records where the compute is recorded while it has local state, for cleanup after a crash */
    public ComputeAgent(ComputeSpec spec, ComputeRecords records) {
        this.spec = spec;
        this.records = records;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("compute-watch-" + spec.endpoint()).unstarted(r));
        watchdog.scheduleWithFixedDelay(this::watch, 500, 500, TimeUnit.MILLISECONDS);
    }

    public ComputeSpec spec() {
        return spec;
    }

    /** Starts the compute unless it runs; returns where postgres listens. */
    public synchronized BackendAddress start() {
        if (state == ComputeState.RUNNING) {
            if (running.postgres().postmaster().isPresent()) {
                return running.address();
            }
            // died since the watchdog last looked: restart now rather than hand out a dead address
            restarts++;
            LOG.warn("endpoint {}: postgres exited; restarting the compute (restart #{})", spec.endpoint(), restarts);
            tearDown(running, "immediate");
            running = null;
        }
        state = ComputeState.STARTING;
        booting = Thread.currentThread();
        try {
            running = boot();
            state = ComputeState.RUNNING;
            startedAt = Instant.now();
            lastError = null;
            LOG.info("endpoint {} running on {} (timeline {}, started at {}) in {}", spec.endpoint(), running.address(),
                    spec.timeline(), syncLsn, lastBoot);
            return running.address();
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            state = ComputeState.FAILED;
            LOG.error("endpoint {} failed to start: {}", spec.endpoint(), e.getMessage());
            throw e instanceof ComputeException ce ? ce : fail("start failed: " + e.getMessage(), e);
        } finally {
            booting = null;
        }
    }

    private Running boot() {
        PageserverClient pageserver = new PageserverClient(spec.pageserver());
        TimelineInfo timelineInfo = pageserver.progress(spec.timeline());
        if (timelineInfo.failed()) {
            throw new TimelineStoppedException(spec.endpoint(), timelineInfo);
        }
        Lsn timelineStart = timelineInfo.startLsn();
        ProposerDriver proposer = new ProposerDriver(spec.timeline(), spec.endpoint() + "-" + randomToken(6),
                spec.safekeepers(), timelineStart);
        Path root = null;
        PgCluster pg = null;
        IngestWatch ingest = null;
        ComputeWalStreamer streamer = null;
        try {
            long t0 = System.nanoTime();
            proposer.start();
            Lsn lsn;
            try {
                lsn = proposer.sync(SYNC_TIMEOUT.toMillis());
            } catch (TimeoutException e) {
                throw fail("the safekeepers did not sync within " + SYNC_TIMEOUT.toSeconds() + " s (is a quorum up?): "
                        + proposer.describe(), e);
            }
            syncLsn = lsn;
            long t1 = System.nanoTime();
            root = newStateDir();
            Path data = root.resolve("data");
            long basebackupBytes = extractBasebackup(pageserver, lsn, data);
            long t2 = System.nanoTime();
            Files.writeString(data.resolve("pg_hba.conf"), ComputeSettings.hba());
            pg = PgCluster.existing(spec.pgBinaries(), data);
            pg.user().own(root);
            pg.start(ComputeSettings.server(spec));
            String stateDir = root.toAbsolutePath().toString();
            pg.postmaster().ifPresent(p -> records.write(new ComputeRecord(spec.endpoint(), stateDir, p.pid())));
            String agentPassword = randomToken(24);
            // one psql for the proposer's role and the endpoint's roles: each run costs a process and a login.
            // synchronous_commit=local: the proposer is not streaming yet, and this is redone at every boot
            pg.psqlLocal("SET synchronous_commit = local;"
                    + "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ComputeSettings.AGENT_ROLE
                    + "') THEN CREATE ROLE " + ComputeSettings.AGENT_ROLE + " LOGIN REPLICATION; END IF; END$$;"
                    + "ALTER ROLE " + ComputeSettings.AGENT_ROLE + " PASSWORD '" + agentPassword + "';"
                    + rolesSql());
            ingest = new IngestWatch(pageserver, spec.timeline(), spec.maxIngestLagBytes(), lsn);
            streamer = new ComputeWalStreamer(spec.timeline(), new ComputeAddress("127.0.0.1", pg.port(),
                    ComputeSettings.AGENT_ROLE, "postgres", ComputeSettings.PROPOSER_APP, agentPassword),
                    ComputeSettings.PROPOSER_APP, proposer, ingest::reportLimit, true);
            streamer.start(lsn);
            lastBoot = new BootTimings((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, basebackupBytes,
                    (System.nanoTime() - t2) / 1_000_000);
            return new Running(root, pg, proposer, ingest, streamer, new BackendAddress(spec.listenHost(), pg.port()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a termination interrupts the boot: clear that while tearing down, so pg_ctl and its waits finish
            boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
            tearDown(new Running(root, pg, proposer, ingest, streamer, null), "immediate");
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw switch (e) {
                case IOException io -> fail("cannot prepare the compute's data directory: " + io.getMessage(), io);
                case InterruptedException ie -> fail("interrupted while starting", ie);
                case RuntimeException re -> re;
                default -> new IllegalStateException(e);
            };
        }
    }

    /**
     * Streams the basebackup straight into the data directory: nothing of it is buffered or left on disk twice.
     *
     * @return the tar's size in bytes
     */
    private long extractBasebackup(PageserverClient pageserver, Lsn lsn, Path data) throws IOException {
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        long[] bytes = {0};
        BasebackupHeader header;
        try {
            header = pageserver.basebackup(spec.timeline(), lsn, BASEBACKUP_WAIT, (h, length, tar) -> {
                bytes[0] = length;
                BasebackupExtractor.extract(tar, data);
            });
        } catch (RuntimeException e) {
            throw fail("cannot fetch the basebackup at " + lsn + ": " + e.getMessage(), e);
        }
        if (!header.dataLsn().equals(lsn)) {
            throw fail("the pageserver's basebackup is at " + header.dataLsn() + ", not at the sync LSN " + lsn
                    + ": the quorum log does not end on a record boundary", null);
        }
        return bytes[0];
    }

    /** Creates each of the endpoint's roles that is missing and sets its SCRAM verifier. */
    private String rolesSql() {
        StringBuilder sql = new StringBuilder();
        for (Map.Entry<String, String> e : spec.roleVerifiers().entrySet()) {
            String role = e.getKey();
            if (!ROLE.matcher(role).matches()) {
                throw fail("role name '" + role + "' is not a plain identifier", null);
            }
            String verifier = ScramVerifier.parse(e.getValue()).encode(); // validated: no quotes can pass
            sql.append("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '").append(role)
                    .append("') THEN CREATE ROLE ").append(role).append(" LOGIN; END IF; END$$;")
                    .append("ALTER ROLE ").append(role).append(" PASSWORD '").append(verifier).append("';");
        }
        return sql.toString();
    }

    /**
     * Clean shutdown, the quorum gets the last WAL, local state deleted. A compute that is not running is
     * left as it is: an idle timer firing after a revocation must not turn {@link ComputeState#FAILED} (and
     * the reason operators need to see) into an innocent-looking "suspended".
     */
    public synchronized void suspend() {
        if (running == null) {
            return;
        }
        state = ComputeState.STOPPING;
        Running r = running;
        running = null;
        java.util.Optional<ProcessHandle> postmaster = r.postgres().postmaster();
        try {
            r.postgres().stop("fast");
            if (postmaster.isPresent()) {
                postmaster.get().onExit().get(30, TimeUnit.SECONDS);
            }
            Lsn last = r.streamer().appendedUpTo();
            try {
                r.proposer().awaitCommit(last, FINAL_WAL_WAIT.toMillis());
            } catch (TimeoutException | RuntimeException e) {
                LOG.warn("endpoint {}: the quorum did not confirm the final WAL up to {} ({}); every acknowledged"
                        + " commit is on it anyway", spec.endpoint(), last, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("endpoint {}: clean shutdown failed ({}); stopping immediately", spec.endpoint(), e.getMessage());
        }
        tearDown(r, "immediate");
        state = ComputeState.SUSPENDED;
        LOG.info("endpoint {} suspended; local state deleted", spec.endpoint());
    }

    /**
     * Stops postgres at once and deletes the compute's local state without waiting for the quorum: the
     * tenant's keys are revoked, so its data may be neither written nor kept in plaintext here. The
     * compute stays down ({@link ComputeState#FAILED} with the reason) until the next {@link #start}.
     */
    public void terminate(String reason) {
        Thread boot = booting;
        if (boot != null) {
            boot.interrupt(); // stop a boot rather than wait for it: with revoked keys its sync may never finish
        }
        synchronized (this) {
            Running r = running;
            running = null;
            if (r != null) {
                tearDown(r, "immediate");
            }
            lastError = reason;
            state = ComputeState.FAILED;
        }
        LOG.warn("endpoint {} terminated, local state deleted: {}", spec.endpoint(), reason);
    }

    private void watch() {
        try {
            synchronized (this) {
                if (state != ComputeState.RUNNING || running == null) {
                    return;
                }
                Running r = running;
                if (r.proposer().phase() == ProposerPhase.FENCED) {
                    lastError = "fenced: another compute won a newer term (" + r.proposer().term()
                            + " is outdated) for timeline " + spec.timeline();
                    LOG.warn("endpoint {}: {}; stopping postgres now", spec.endpoint(), lastError);
                    running = null;
                    tearDown(r, "immediate");
                    state = ComputeState.FAILED;
                    return;
                }
                TimelineInfo stopped = r.ingest().stopped();
                if (stopped != null) {
                    // the pageserver can never materialise what this compute would commit: stop it now, so its
                    // sessions waiting for commits get an error instead of waiting forever
                    lastError = new TimelineStoppedException(spec.endpoint(), stopped).getMessage();
                    LOG.error("{}; stopping postgres now", lastError);
                    running = null;
                    tearDown(r, "immediate");
                    state = ComputeState.FAILED;
                    return;
                }
                String why = r.postgres().postmaster().isEmpty() ? "postgres exited"
                        : !r.streamer().isRunning() ? "its WAL stream ended (" + r.streamer().stopReason()
                        + (r.streamer().failure() != null ? ": " + r.streamer().failure().getMessage() : "") + ")" : null;
                if (why == null) {
                    return;
                }
                restarts++;
                LOG.warn("endpoint {}: {}; restarting the compute (restart #{})", spec.endpoint(), why, restarts);
                running = null;
                tearDown(r, "immediate");
                state = ComputeState.SUSPENDED;
                start();
            }
        } catch (RuntimeException e) {
            LOG.error("endpoint {}: supervision failed: {}", spec.endpoint(), e.getMessage());
        }
    }

    private void tearDown(Running r, String mode) {
        if (r.streamer() != null) {
            r.streamer().close();
        }
        if (r.ingest() != null) {
            r.ingest().close();
        }
        if (r.postgres() != null) {
            r.postgres().postmaster().ifPresent(postmaster -> {
                try {
                    r.postgres().stop(mode);
                } catch (RuntimeException e) {
                    postmaster.destroyForcibly();
                }
                // pg_ctl returns once postmaster.pid is gone; the process itself exits a moment later
                try {
                    postmaster.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    postmaster.destroyForcibly();
                }
            });
        }
        if (r.proposer() != null) {
            r.proposer().close();
        }
        if (r.root() != null) {
            deleteTree(r.root());
            if (!Files.exists(r.root())) {
                records.remove(r.root());
            }
        }
    }

    private Path newStateDir() throws IOException {
        Files.createDirectories(spec.stateRoot());
        Path dir = spec.stateRoot().resolve(spec.endpoint() + "-" + randomToken(6).replace('-', 'x').replace('_', 'y'));
        records.write(new ComputeRecord(spec.endpoint(), dir.toAbsolutePath().toString(), null)); // before any plaintext
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    public ComputeState state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    /** How the last successful start went, or null before the first. */
    public BootTimings lastBoot() {
        return lastBoot;
    }

    public Lsn syncLsn() {
        return syncLsn;
    }

    public int restarts() {
        return restarts;
    }

    public Instant startedAt() {
        return state == ComputeState.RUNNING ? startedAt : null;
    }

    /** The running compute's address, pid and data directory, or null. */
    public BackendAddress address() {
        Running r = running;
        return r == null ? null : r.address();
    }

    public Long postgresPid() {
        Running r = running;
        return r == null ? null : r.postgres().postmaster().map(ProcessHandle::pid).orElse(null);
    }

    public Path dataDirectory() {
        Running r = running;
        return r == null ? null : r.postgres().dataDir();
    }

    private ComputeException fail(String message, Throwable cause) {
        return new ComputeException(spec.endpoint(), spec.timeline(), message, cause);
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteTree(Path root) {
        try {
            ComputeStateDirectory.delete(root);
        } catch (UncheckedIOException e) {
            LOG.warn("compute state: {}: {}", e.getMessage(), e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        suspend();
    }
}
