package dev.cairn.safekeeper.service;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.Acceptor;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.ProposerMessage;
import dev.cairn.safekeeper.consensus.Step;
import dev.cairn.safekeeper.storage.TimelineStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One timeline's acceptor on one worker thread. Requests from every connection queue up; the worker
 * handles all queued requests, then fsyncs once and answers every append in the batch (group commit).
 * An I/O failure stops the worker (fail-stop): its in-memory state can no longer be trusted, so the
 * timeline must be reopened from disk.
 */
public final class TimelineAcceptor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineAcceptor.class);

    /** @param queuedNanos when it arrived, for the append latency */
    private record Request(ProposerMessage message, ReplySink sink, long queuedNanos) {
    }

    private final TimelineKey timeline;
    private final TimelineStorage storage;
    private final Acceptor acceptor;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final Object progress = new Object();
    private volatile TimelineStatus status;
    private volatile Throwable failure;
    private volatile boolean closed;
    private final SafekeeperMetrics metrics;
    /** Per consumer (pageserver), the LSN below which it needs no WAL again; only ever moves forward. */
    private final java.util.Map<String, Lsn> durableByConsumer = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Lsn durableLsn = Lsn.INVALID;

    public TimelineAcceptor(TimelineStorage storage) {
        this(storage, SafekeeperMetrics.standalone());
    }

    public TimelineAcceptor(TimelineStorage storage, SafekeeperMetrics metrics) {
        this.metrics = metrics;
        this.timeline = storage.timeline();
        this.storage = storage;
        this.acceptor = storage.recoverAcceptor();
        if (storage.recovery().cutReason() != null) {
            LOG.warn("timeline {}: cut {} bytes of WAL on recovery ({}); WAL now ends at {}", timeline,
                    storage.recovery().cutBytes(), storage.recovery().cutReason(), storage.recovery().end());
        }
        publish();
        this.worker = Thread.ofPlatform().name("timeline-" + timeline.timeline()).daemon().start(this::run);
    }

    public TimelineKey timeline() {
        return timeline;
    }

    public TimelineStatus status() {
        return status;
    }

    public boolean failed() {
        return failure != null;
    }

    /** Queues a request; its reply (if any) goes to {@code sink} from the worker thread. */
    public void submit(ProposerMessage message, ReplySink sink) {
        if (failure != null || closed) {
            throw new IllegalStateException("timeline " + timeline + " is not serving"
                    + (failure != null ? ": " + failure.getMessage() : " (closed)"), failure);
        }
        queue.add(new Request(message, sink, System.nanoTime()));
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        Set<ReplySink> appenders = new LinkedHashSet<>();
        long[] appendsQueued = new long[64]; // arrival times of the batch's appends awaiting the group commit
        int appends = 0;
        try {
            while (!closed) {
                Request first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    synchronized (storage) {
                        storage.apply(acceptor.checkpoint());
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1000);
                metrics.batches.increment();
                metrics.batchedRequests.increment(batch.size());
                List<Runnable> replies = new ArrayList<>();
                synchronized (storage) {
                    for (Request r : batch) {
                        if (r.message() instanceof ProposerMessage.AppendRequest a) {
                            metrics.appendRequests.increment();
                            metrics.walBytesAppended.increment(a.data().length);
                        }
                        AcceptorMessage reply = storage.apply(acceptor.handle(r.message()));
                        if (reply instanceof AcceptorMessage.Refusal refusal) {
                            metrics.refused(refusal.reason());
                        }
                        if (reply != null) {
                            replies.add(() -> r.sink().send(reply));
                        } else if (r.message() instanceof ProposerMessage.AppendRequest) {
                            appenders.add(r.sink());
                            if (appends == appendsQueued.length) {
                                appendsQueued = java.util.Arrays.copyOf(appendsQueued, appends * 2);
                            }
                            appendsQueued[appends++] = r.queuedNanos();
                        }
                    }
                    Step flush = acceptor.flush();
                    long flushStart = System.nanoTime();
                    AcceptorMessage ack = storage.apply(flush);
                    if (ack != null) {
                        long durable = System.nanoTime();
                        metrics.groupCommits.increment();
                        metrics.flushDuration.record(durable - flushStart, TimeUnit.NANOSECONDS);
                        for (int i = 0; i < appends; i++) {
                            metrics.appendDuration.record(durable - appendsQueued[i], TimeUnit.NANOSECONDS);
                        }
                        for (ReplySink s : appenders) {
                            replies.add(() -> s.send(ack));
                        }
                    }
                }
                publish();
                replies.forEach(Runnable::run);
                batch.clear();
                appenders.clear();
                appends = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) { // an Error (out of memory) leaves the state as untrustworthy
            failure = e;
            metrics.storageFailures.increment();
            LOG.error("timeline {}: storage failure, stopping this timeline (fail-stop)", timeline, e);
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void publish() {
        status = new TimelineStatus(timeline, acceptor.term(), acceptor.lastLogTerm(), acceptor.flushLsn(),
                acceptor.commitLsn(), acceptor.state().peerHorizonLsn(), acceptor.state().timelineStartLsn(),
                storage.wal().size(), storage.wal().start(), durableLsn);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Waits until the commit LSN passes {@code lsn} (or the timeout); returns the commit LSN. */
    public Lsn awaitCommitAfter(Lsn lsn, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (progress) {
            while (!status.commitLsn().isAfter(lsn) && failure == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return status.commitLsn();
    }

    /**
     * A consumer has everything below {@code lsn} durably. WAL segments are removed once they lie wholly
     * below the retention horizon: min(what every consumer has durably, the commit LSN, the peer horizon).
     * Below the commit LSN nothing can be truncated by a new term; below the peer horizon every safekeeper
     * has the WAL, so no peer needs it from here for catch-up. An unknown peer horizon keeps everything.
     * Nothing else is persisted for it: the deleted files are the record, and consumers report again.
     *
     * @return the number of segment files removed
     */
    public int reportDurable(String consumer, Lsn lsn) {
        durableByConsumer.merge(consumer, lsn, (old, now) -> now.isAfter(old) ? now : old);
        Lsn durable = durableByConsumer.values().stream().reduce((a, b) -> a.isBefore(b) ? a : b).orElse(Lsn.INVALID);
        durableLsn = durable;
        TimelineStatus s = status;
        int removed = 0;
        if (s.peerHorizonLsn().isValid() && s.commitLsn().isValid()) {
            Lsn horizon = durable;
            horizon = s.commitLsn().isBefore(horizon) ? s.commitLsn() : horizon;
            horizon = s.peerHorizonLsn().isBefore(horizon) ? s.peerHorizonLsn() : horizon;
            synchronized (storage) {
                removed = storage.wal().removeSegmentsBelow(horizon);
            }
            if (removed > 0) {
                metrics.segmentsRemoved.increment(removed);
                LOG.info("timeline {}: removed {} WAL segment(s) below {} (durable on {} at {})", timeline, removed,
                        horizon, consumer, lsn);
            }
        }
        publish();
        return removed;
    }

    /** WAL bytes {@code [from, to)} (streaming out; callers stay below the commit LSN). */
    public byte[] read(Lsn from, Lsn to) {
        synchronized (storage) {
            return storage.read(from, to);
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (storage) {
            storage.close();
        }
    }
}
