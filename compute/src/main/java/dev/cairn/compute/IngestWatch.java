package dev.cairn.compute;

import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How far the pageserver has ingested a running compute's timeline, polled a few times a second, and what
 * that allows (DESIGN.md 2.4): the compute's commits are acknowledged only up to {@code ingested +
 * maxLagBytes}, so a burst slows commits instead of piling up WAL that the next wake must wait for. A
 * pageserver that cannot be asked (killed, paused) keeps the last known position: commits stop within the
 * bound, and go on once it answers again. One whose ingest stopped on a record reports that here; the agent
 * then stops the compute.
 */
final class IngestWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestWatch.class);
    static final long POLL_MILLIS = 200;

    private final PageserverClient pageserver;
    private final TimelineKey timeline;
    private final long maxLagBytes;
    private final ScheduledExecutorService poller;
    private volatile Lsn ingested;
    private volatile TimelineInfo stopped;
    private volatile boolean unreachable;

    /** @param start an LSN the pageserver is known to have ingested (the basebackup's) */
    IngestWatch(PageserverClient pageserver, TimelineKey timeline, long maxLagBytes, Lsn start) {
        this.pageserver = pageserver;
        this.timeline = timeline;
        this.maxLagBytes = maxLagBytes;
        this.ingested = start;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("ingest-watch-" + timeline.timeline()).unstarted(r));
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The highest LSN the compute's commits may be acknowledged at now. */
    Lsn reportLimit() {
        return ingested.plus(maxLagBytes);
    }

    /** The pageserver's view of the timeline once its ingest stopped for good, else null. */
    TimelineInfo stopped() {
        return stopped;
    }

    private void poll() {
        try {
            TimelineInfo info = pageserver.progress(timeline);
            if (info.ingestedLsn().isAfter(ingested)) {
                ingested = info.ingestedLsn();
            }
            if (info.failed()) {
                stopped = info;
            }
            if (unreachable) {
                unreachable = false;
                LOG.info("timeline {}: the pageserver answers again (ingested {})", timeline, info.ingestedLsn());
            }
        } catch (RuntimeException e) {
            if (!unreachable) {
                unreachable = true;
                LOG.warn("timeline {}: cannot ask the pageserver how far it ingested ({}); commits stop {} bytes past {}",
                        timeline, e.getMessage(), maxLagBytes, ingested);
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
