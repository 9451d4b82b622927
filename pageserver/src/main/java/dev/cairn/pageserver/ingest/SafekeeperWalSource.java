package dev.cairn.pageserver.ingest;

import dev.cairn.common.Backoff;

import dev.cairn.pageserver.service.PageserverMetrics;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalStreamDecoder;
import dev.cairn.pgformat.wal.synth.RecordPosition;
import dev.cairn.safekeeper.client.SafekeeperWalClient;
import dev.cairn.safekeeper.client.WalStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a timeline's {@link Ingest} with committed WAL from the safekeepers: streams from one safekeeper at
 * a time, resuming at the ingested position, and fails over to the next one when the stream breaks (a dead
 * or partitioned safekeeper is noticed through gRPC keepalive). Once a second, when ingest moved, it
 * flushes the page store and reports the durable LSN to every safekeeper so they may trim their WAL.
 * An {@link IngestException} stops the source for good: a timeline never continues past a record it could
 * not materialise.
 */
public final class SafekeeperWalSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SafekeeperWalSource.class);
    /** Between rounds over every safekeeper that failed. */
    private static final Backoff ROUND_BACKOFF = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5));
    private static final long PAUSE_RETRY_MILLIS = 1000;
    /** A stream silent this long is checked against the other safekeepers' commit LSNs. */
    static final long STALL_MILLIS = 3000;

    private final Ingest ingest;
    private final PageStore store;
    private final List<String> safekeepers;
    private final List<SafekeeperWalClient> clients = new ArrayList<>();
    private final String consumerId;
    private final int segmentSize;
    private final PageserverMetrics metrics;
    private final ScheduledExecutorService reporter;
    private final Thread streamer;
    private volatile boolean closed;
    private volatile String current;
    private volatile Lsn commitLsn = Lsn.INVALID;
    private volatile Lsn durableLsn;
    private volatile WalStream call;
    /** When the current stream started or last delivered WAL (nanoTime). */
    private volatile long lastChunkNanos = System.nanoTime();
    /** The safekeeper to stream from next (one that is ahead of a stalled stream), or -1. */
    private volatile int preferred = -1;

    public SafekeeperWalSource(Ingest ingest, PageStore store, List<String> safekeepers, String consumerId,
                               int segmentSize, PageserverMetrics metrics) {
        if (safekeepers.isEmpty()) {
            throw new IllegalArgumentException("no safekeepers to stream " + ingest.timeline() + " from");
        }
        this.ingest = ingest;
        this.store = store;
        this.safekeepers = List.copyOf(safekeepers);
        this.consumerId = consumerId;
        this.segmentSize = segmentSize;
        this.metrics = metrics;
        this.durableLsn = ingest.position().end();
        for (String s : this.safekeepers) {
            clients.add(new SafekeeperWalClient(s));
        }
        this.streamer = Thread.ofPlatform().daemon().name("wal-source-" + ingest.timeline()).unstarted(this::run);
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("durable-" + ingest.timeline()).unstarted(r));
    }

    public SafekeeperWalSource start() {
        streamer.start();
        reporter.scheduleWithFixedDelay(this::reportDurable, 1, 1, TimeUnit.SECONDS);
        reporter.scheduleWithFixedDelay(this::checkStall, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** The safekeeper streamed from right now, or null between attempts. */
    public String currentSource() {
        return current;
    }

    /** The newest commit LSN a safekeeper announced. */
    public Lsn commitLsn() {
        return commitLsn;
    }

    /** Ingested, flushed to the store and reported to the safekeepers. */
    public Lsn durableLsn() {
        return durableLsn;
    }

    private void run() {
        int next = 0;
        int failuresInARow = 0;
        while (!closed) {
            int index = next % safekeepers.size();
            if (preferred >= 0) {
                index = preferred;
                next = preferred;
                preferred = -1;
            }
            try {
                streamFrom(index);
                failuresInARow = 0;
            } catch (IngestException e) {
                metrics.ingestErrors.increment();
                // with the stack: a record that cannot be applied is a bug or damage, and its cause chain says which
                LOG.error("ingest of {} stopped: {}", ingest.timeline(), e.getMessage(), e);
                current = null;
                return;
            } catch (IngestPausedException e) {
                // no safekeeper's fault: stay with this one and retry once the keys or the room may be back
                current = null;
                LOG.warn("{}", e.getMessage());
                sleep(PAUSE_RETRY_MILLIS);
                continue;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                failuresInARow++;
                metrics.walSourceFailovers.increment();
                LOG.warn("WAL stream of {} from {} failed ({}); trying the next safekeeper", ingest.timeline(),
                        safekeepers.get(index), e.getMessage());
            }
            current = null;
            next++;
            if (failuresInARow >= safekeepers.size()) {
                sleep(ROUND_BACKOFF.delay(failuresInARow - safekeepers.size() + 1).toMillis());
            }
        }
    }

    /** Streams until the safekeeper ends the stream or it breaks. */
    private void streamFrom(int index) {
        Lsn start = RecordPosition.decoderStart(ingest.position().end(), segmentSize);
        WalStreamDecoder decoder = new WalStreamDecoder(start, segmentSize);
        try (WalStream stream = clients.get(index).stream(ingest.timeline(), start, consumerId)) {
            call = stream;
            current = safekeepers.get(index);
            lastChunkNanos = System.nanoTime();
            LOG.info("streaming WAL of {} from {} at {}", ingest.timeline(), current, start);
            for (WalStream.WalPiece piece = stream.next(); piece != null && !closed; piece = stream.next()) {
                lastChunkNanos = System.nanoTime();
                if (piece.commitLsn().isAfter(commitLsn)) {
                    commitLsn = piece.commitLsn();
                }
                metrics.walBytesReceived.increment(piece.data().length);
                long applyStart = System.nanoTime();
                decoder.feed(piece.data(), 0, piece.data().length);
                List<DecodedRecord> records = new ArrayList<>();
                for (DecodedRecord rec = decoder.next(); rec != null; rec = decoder.next()) {
                    records.add(rec);
                }
                ingest.apply(records); // one write batch per piece of WAL
                metrics.recordsIngested.increment(records.size());
                metrics.ingestApply.record(System.nanoTime() - applyStart, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Stall-based failover: a stream that delivered nothing for {@link #STALL_MILLIS} while another safekeeper
     * has committed WAL beyond the ingested position is abandoned for that safekeeper. (A dead or partitioned
     * safekeeper is caught by keepalive too, later; this also catches one that is alive but cut off from
     * the compute, whose commit LSN stands still.)
     */
    private void checkStall() {
        try {
            String streaming = current;
            WalStream c = call;
            if (closed || streaming == null || c == null
                    || System.nanoTime() - lastChunkNanos < TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                return;
            }
            Lsn at = ingest.position().end();
            int best = -1;
            Lsn bestCommit = at;
            for (int i = 0; i < clients.size(); i++) {
                if (safekeepers.get(i).equals(streaming)) {
                    continue;
                }
                Lsn commit = commitOn(i);
                if (commit.isAfter(bestCommit)) {
                    best = i;
                    bestCommit = commit;
                }
            }
            if (best >= 0 && streaming.equals(current)) {
                LOG.warn("WAL stream of {} from {} stalled at {} for {} ms while {} has committed up to {}; switching",
                        ingest.timeline(), streaming, at, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastChunkNanos),
                        safekeepers.get(best), bestCommit);
                metrics.walSourceStalls.increment();
                preferred = best;
                c.cancel();
            }
        } catch (RuntimeException e) {
            LOG.debug("stall check of {} failed: {}", ingest.timeline(), e.toString());
        }
    }

    /** The commit LSN of this timeline on safekeeper {@code index}, INVALID if it cannot say. */
    private Lsn commitOn(int index) {
        return clients.get(index).commitLsn(ingest.timeline(), Duration.ofSeconds(1));
    }

    private void reportDurable() {
        try {
            Lsn end = ingest.position().end();
            if (!end.isAfter(durableLsn)) {
                return;
            }
            store.flush();
            durableLsn = end;
            for (SafekeeperWalClient client : clients) {
                try {
                    client.reportDurable(ingest.timeline(), consumerId, end, Duration.ofSeconds(2));
                    metrics.durableReports.increment();
                } catch (RuntimeException unreachable) {
                    // that safekeeper keeps its WAL a little longer; the next report catches it up
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("durable LSN report of {} failed: {}", ingest.timeline(), e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        WalStream c = call;
        if (c != null) {
            c.cancel();
        }
        reporter.shutdownNow();
        streamer.interrupt();
        try {
            streamer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(SafekeeperWalClient::close);
    }
}
