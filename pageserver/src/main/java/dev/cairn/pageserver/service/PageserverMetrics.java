package dev.cairn.pageserver.service;

import dev.cairn.common.TimelineKey;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.pageserver.ingest.RedoObserver;
import dev.cairn.redo.ConsistencyCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.cairn.pageserver.api.TimelineInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pageserver's meters, on the registry the process hands in: counters (LongAdder-backed), latency
 * histograms, and gauges per timeline that are reconciled with the served timelines on every scrape, so a
 * timeline's series appear with it and disappear with it.
 */
public final class PageserverMetrics implements RedoObserver {
    public final Counter walBytesReceived;
    public final Counter recordsIngested;
    public final Counter ingestErrors;
    public final Counter walSourceFailovers;
    public final Counter walSourceStalls;
    public final Counter durableReports;
    public final Counter basebackups;
    public final Counter basebackupBytes;
    public final Counter timelinesCreated;
    /** A basebackup request: waiting for its LSN to be ingested, then the tar streamed to the compute. */
    public final Timer basebackupDuration;
    /** Decoding and applying the records of one WAL chunk from a safekeeper. */
    public final Timer ingestApply;

    private static final Logger LOG = LoggerFactory.getLogger(PageserverMetrics.class);
    private final ServiceMetrics service;
    private final MultiGauge timelineLsn;
    private final MultiGauge ingestLag;
    private final MultiGauge timelineFailed;
    private final MultiGauge timelinePaused;
    private final MultiGauge ingestStoppedInfo;

    public PageserverMetrics(ServiceMetrics service) {
        this.service = service;
        MeterRegistry r = service.registry();
        walBytesReceived = counter(r, "cairn.pageserver.wal.bytes.received", "WAL bytes received from safekeepers");
        recordsIngested = counter(r, "cairn.pageserver.records.ingested", "WAL records ingested");
        ingestErrors = counter(r, "cairn.pageserver.ingest.errors", "timelines whose ingest stopped on an error");
        walSourceFailovers = counter(r, "cairn.pageserver.wal.source.failovers",
                "WAL streams that broke and moved to another safekeeper");
        walSourceStalls = counter(r, "cairn.pageserver.wal.source.stalls",
                "WAL streams abandoned because they stalled while another safekeeper was ahead");
        durableReports = counter(r, "cairn.pageserver.durable.reports", "durable LSN reports delivered to safekeepers");
        basebackups = counter(r, "cairn.pageserver.basebackups", "basebackups served");
        basebackupBytes = counter(r, "cairn.pageserver.basebackup.bytes", "bytes of basebackup tars served");
        // not "timelines.created": Prometheus reserves the _created suffix (a counter's creation time) and drops it
        timelinesCreated = counter(r, "cairn.pageserver.timeline.creations", "timelines created");
        basebackupDuration = ServiceMetrics.latency("cairn.pageserver.basebackup.duration",
                "basebackup requests: the wait for the LSN and the tar streamed", Duration.ofMillis(1), Duration.ofSeconds(120))
                .register(r);
        ingestApply = ServiceMetrics.latency("cairn.pageserver.ingest.apply",
                "decoding and applying one WAL chunk's records", Duration.ofNanos(10_000), Duration.ofSeconds(10)).register(r);
        timelineLsn = MultiGauge.builder("cairn.pageserver.timeline.lsn")
                .description("LSNs per timeline (kind: ingested, durable, commit)").register(r);
        ingestLag = MultiGauge.builder("cairn.pageserver.ingest.lag.bytes")
                .description("WAL bytes committed by the safekeepers but not yet ingested, per timeline").register(r);
        timelineFailed = MultiGauge.builder("cairn.pageserver.timeline.failed")
                .description("1 while the timeline's ingest is stopped at a record it cannot apply").register(r);
        timelinePaused = MultiGauge.builder("cairn.pageserver.timeline.paused")
                .description("1 while the timeline's ingest is paused (keys unavailable, storage full)").register(r);
        ingestStoppedInfo = MultiGauge.builder("cairn.pageserver.ingest.stopped.info")
                .description("where and why a failed timeline's ingest stopped (lsn, reason)").register(r);
    }

    /** Meters on a registry of their own: for a node that is not given one (tests, benchmarks). */
    @Override
    public void redone(String recordType) {
        redoCounter("cairn.pageserver.redo.blocks", "blocks materialised by Java redo", recordType).increment();
    }

    @Override
    public void verified(String recordType) {
        redoCounter("cairn.pageserver.redo.verified", "redone blocks equal to PostgreSQL's image after masking",
                recordType).increment();
    }

    @Override
    public void mismatch(TimelineKey timeline, String recordType, ConsistencyCheck.Mismatch mismatch) {
        redoCounter("cairn.pageserver.redo.mismatches", "redone blocks that differ from PostgreSQL's image (verify mode)",
                recordType).increment();
        LOG.error("timeline {}: Java redo differs from PostgreSQL: {}", timeline, mismatch);
    }

    /** One counter per rmgr and record type ("Heap/INSERT"), registered on first use. */
    private Counter redoCounter(String name, String help, String recordType) {
        int slash = recordType.indexOf('/');
        return Counter.builder(name).description(help)
                .tags("rmgr", slash < 0 ? recordType : recordType.substring(0, slash),
                        "type", slash < 0 ? "" : recordType.substring(slash + 1))
                .register(service.registry());
    }

    public static PageserverMetrics standalone() {
        return new PageserverMetrics(ServiceMetrics.create("pageserver"));
    }

    private static Counter counter(MeterRegistry r, String name, String help) {
        return Counter.builder(name).description(help).register(r);
    }

    /** Keeps the per-timeline gauges in step with {@code timelines}, read at every scrape. */
    public void follow(Supplier<List<TimelineInfo>> timelines) {
        service.beforeScrape(() -> refresh(timelines.get()));
    }

    private void refresh(List<TimelineInfo> timelines) {
        List<MultiGauge.Row<?>> lsn = new ArrayList<>();
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        List<MultiGauge.Row<?>> failed = new ArrayList<>();
        List<MultiGauge.Row<?>> paused = new ArrayList<>();
        List<MultiGauge.Row<?>> stopped = new ArrayList<>();
        for (TimelineInfo t : timelines) {
            Tags tags = Tags.of("tenant", t.key().tenant().toString(), "timeline", t.key().timeline().toString());
            lsn.add(MultiGauge.Row.of(tags.and("kind", "ingested"), t.ingestedLsn().value()));
            lsn.add(MultiGauge.Row.of(tags.and("kind", "durable"), t.durableLsn().value()));
            lsn.add(MultiGauge.Row.of(tags.and("kind", "commit"), t.commitLsn().value()));
            lag.add(MultiGauge.Row.of(tags, t.ingestLagBytes()));
            failed.add(MultiGauge.Row.of(tags, t.failed() ? 1 : 0));
            paused.add(MultiGauge.Row.of(tags, "paused".equals(t.state()) ? 1 : 0));
            if (t.failed()) {
                // an info metric: where and why, for the alert that fires on cairn_pageserver_timeline_failed
                stopped.add(MultiGauge.Row.of(tags.and("lsn", String.valueOf(t.stoppedAtLsn()),
                        "reason", t.error() == null ? "" : t.error()), 1));
            }
        }
        // overwrite: the values are snapshots, re-registered each scrape; rows of gone timelines are removed
        timelineLsn.register(lsn, true);
        ingestLag.register(lag, true);
        timelineFailed.register(failed, true);
        timelinePaused.register(paused, true);
        ingestStoppedInfo.register(stopped, true);
    }

    public ServiceMetrics service() {
        return service;
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return service.scrape();
    }
}
