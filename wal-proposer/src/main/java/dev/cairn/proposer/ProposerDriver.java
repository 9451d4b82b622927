package dev.cairn.proposer;

import dev.cairn.safekeeper.client.AcceptorAddress;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.consensus.WalProposer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link WalProposer} against real safekeepers: one thread owns the state machine (messages,
 * ticks, new WAL all run on it), campaigns above the terms the greetings report, retries lost elections
 * after a random backoff, and publishes the quorum commit LSN.
 */
public final class ProposerDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProposerDriver.class);
    private static final long TICK_MILLIS = 100;

    private final ScheduledExecutorService loop;
    private final RemoteAcceptors acceptors;
    private final WalProposer proposer;
    private final Map<Integer, Long> greetedTerms = new ConcurrentHashMap<>();
    private final int quorum;
    private final Random random = new Random();
    private final Object changes = new Object();
    private volatile Lsn commitLsn = Lsn.INVALID;
    private volatile ProposerPhase phase = ProposerPhase.IDLE;
    private volatile Lsn termStart = Lsn.INVALID;
    private volatile long term;
    private volatile Throwable failure;
    private volatile long windowBytes;
    private final java.util.concurrent.atomic.AtomicLong buffered = new java.util.concurrent.atomic.AtomicLong();
    private long retryAtMillis;

    public ProposerDriver(TimelineKey timeline, String proposerId, List<AcceptorAddress> addresses, Lsn timelineStart) {
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("proposer-" + proposerId)
                .daemon().unstarted(r));
        this.quorum = addresses.size() / 2 + 1;
        this.acceptors = new RemoteAcceptors(timeline, proposerId, addresses, new RemoteAcceptors.Inbox() {
            @Override
            public void greeted(int acceptor, long t) {
                greetedTerms.put(acceptor, t);
            }

            @Override
            public void received(int acceptor, AcceptorMessage message) {
                loop.execute(() -> {
                    if (failure != null) {
                        return;
                    }
                    try {
                        proposer.receive(acceptor, message);
                    } catch (Throwable t) {
                        fail("handling " + message + " from safekeeper " + acceptor, t);
                    }
                    publish();
                });
            }
        });
        this.proposer = new WalProposer(WalProposer.Config.defaults(proposerId,
                addresses.stream().map(AcceptorAddress::id).toList(), timelineStart), acceptors);
    }

    /** Connects, waits briefly for a quorum of greetings, and starts campaigning. */
    public void start() {
        acceptors.connectAll();
        long deadline = System.currentTimeMillis() + 2000;
        while (greetedTerms.size() < quorum && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        loop.execute(() -> {
            proposer.campaign(greetedTerms.values().stream().mapToLong(Long::longValue).max().orElse(0) + 1);
            publish();
        });
        loop.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (failure != null) {
            return;
        }
        try {
            acceptors.maintain(3000);
            proposer.tick();
            if (proposer.phase() == ProposerPhase.IDLE && System.currentTimeMillis() >= retryAtMillis) {
                proposer.campaign(greetedTerms.values().stream().mapToLong(Long::longValue).max().orElse(0) + 1);
                retryAtMillis = System.currentTimeMillis() + 200 + random.nextInt(400);
            } else if (proposer.phase() == ProposerPhase.CAMPAIGNING && System.currentTimeMillis() >= retryAtMillis + 3000) {
                retryAtMillis = System.currentTimeMillis();
                proposer.campaign(); // a stuck campaign: try a higher term
            }
            publish();
        } catch (RuntimeException e) {
            LOG.error("proposer tick failed", e);
        } catch (Throwable t) { // an Error would silently cancel every later tick
            fail("on a tick", t);
        }
    }

    /**
     * New WAL from the compute, which must continue the log exactly at {@code at}; applied on the driver thread.
     * The position is checked there, not assumed: WAL that could not be appended (any error, an out-of-memory
     * included) would otherwise leave a gap, and everything after it would be stored at the wrong LSN. Instead
     * the proposer fails for good ({@link #failure()}), commits nothing more, and its compute is restarted.
     */
    public void appendWal(Lsn at, byte[] data) {
        buffered.addAndGet(data.length);
        loop.execute(() -> {
            try {
                if (failure != null) {
                    return;
                }
                if (proposer.phase() == ProposerPhase.LEADING && !at.equals(proposer.logEnd())) {
                    throw new IllegalStateException("WAL offered at " + at + " but the log of term " + proposer.term()
                            + " ends at " + proposer.logEnd());
                }
                proposer.appendWal(data);
            } catch (Throwable t) {
                fail("appending " + data.length + " bytes of WAL at " + at, t);
            } finally {
                buffered.addAndGet(-data.length);
            }
            publish();
        });
    }

    /** Marks the proposer failed: from now on it appends and commits nothing, and the compute must stop. */
    private void fail(String what, Throwable t) {
        if (failure == null) {
            failure = new IllegalStateException("proposer failed " + what + ": " + t, t);
            LOG.error("proposer for term {} failed {}; it stops here", proposer.term(), what, t);
        }
    }

    /** Why this proposer stopped working (an error on its thread), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Bytes of WAL in the proposer's window plus those queued for it: the compute stream waits above a limit. */
    public long bufferedBytes() {
        return buffered.get() + windowBytes;
    }

    private void publish() {
        windowBytes = proposer.logSize();
        commitLsn = proposer.commitLsn();
        phase = proposer.phase();
        termStart = proposer.termStartLsn();
        term = proposer.term();
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    /** The proposer's view of each acceptor, for logs and diagnostics. */
    public String describe() {
        try {
            return loop.submit(() -> proposer.phase() + " term " + proposer.term() + " commit " + proposer.commitLsn()
                    + " log end " + proposer.logEnd() + " " + proposer.describePeers()
                    + " stream errors " + acceptors.describeErrors()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(unavailable: " + e + ")";
        }
    }

    public Lsn commitLsn() {
        return commitLsn;
    }

    public ProposerPhase phase() {
        return phase;
    }

    public long term() {
        return term;
    }

    /** Where this proposer's term starts: the compute's WAL must continue exactly there. */
    public Lsn termStartLsn() {
        return termStart;
    }

    /** Waits until elected; returns the term start LSN. */
    public Lsn awaitLeading(long timeoutMillis) throws InterruptedException, TimeoutException {
        awaitCondition(() -> phase == ProposerPhase.LEADING || phase == ProposerPhase.FENCED, timeoutMillis,
                "election");
        if (phase == ProposerPhase.FENCED) {
            throw new IllegalStateException("proposer was fenced by a newer term");
        }
        return termStart;
    }

    /** Waits until the quorum commit LSN reaches {@code lsn}. */
    public void awaitCommit(Lsn lsn, long timeoutMillis) throws InterruptedException, TimeoutException {
        awaitCondition(() -> !commitLsn.isBefore(lsn) || phase == ProposerPhase.FENCED, timeoutMillis,
                "commit of " + lsn);
        if (commitLsn.isBefore(lsn)) {
            throw new IllegalStateException("proposer fenced before " + lsn + " committed");
        }
    }

    /** Sync mode: elected and a quorum identical up to the term start (and knowing it is committed). */
    public Lsn sync(long timeoutMillis) throws InterruptedException, TimeoutException {
        awaitLeading(timeoutMillis);
        boolean[] done = new boolean[1];
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done[0]) {
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException("sync did not complete in " + timeoutMillis + " ms");
            }
            try {
                loop.submit(() -> done[0] = proposer.quorumSyncedToTermStart()).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            if (!done[0]) {
                sleep(20);
            }
        }
        return termStart;
    }

    private void awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMillis, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (changes) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(what + " did not happen within " + timeoutMillis + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(changes, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        acceptors.close();
    }
}
