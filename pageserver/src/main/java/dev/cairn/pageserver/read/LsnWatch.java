package dev.cairn.pageserver.read;

import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

import java.time.Duration;

/**
 * How far ingest has materialised a timeline, for readers that must not see
 * an LSN before it is ingested: {@link #await} blocks until it is, or until
 * the deadline.
 */
public final class LsnWatch {
    private final TimelineKey timeline;
    private Lsn ingested;

    public LsnWatch(TimelineKey timeline, Lsn ingested) {
        this.timeline = timeline;
        this.ingested = ingested;
    }

    public synchronized Lsn ingested() {
        return ingested;
    }

    /** Called by ingest after each committed record. */
    public synchronized void advance(Lsn to) {
        if (to.isAfter(ingested)) {
            ingested = to;
            notifyAll();
        }
    }

    /**
     * Waits until everything up to {@code lsn} is ingested.
     *
     * @throws LsnTimeoutException when the deadline passes first
     */
    public synchronized void await(Lsn lsn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ingested.isBefore(lsn)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LsnTimeoutException(timeline, lsn, ingested, timeout);
            }
            try {
                wait(Math.max(1, left / 1_000_000), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LsnTimeoutException(timeline, lsn, ingested, timeout);
            }
        }
    }
}
