package dev.cairn.pageserver.service;

import java.util.concurrent.atomic.LongAdder;

/** Process-wide counters of the pageserver, rendered with the per-timeline gauges by the HTTP API. */
public final class PageserverMetrics {
    public final LongAdder walBytesReceived = new LongAdder();
    public final LongAdder recordsIngested = new LongAdder();
    public final LongAdder ingestErrors = new LongAdder();
    public final LongAdder walSourceFailovers = new LongAdder();
    public final LongAdder walSourceStalls = new LongAdder();
    public final LongAdder durableReports = new LongAdder();
    public final LongAdder basebackups = new LongAdder();
    public final LongAdder basebackupBytes = new LongAdder();
    public final LongAdder timelinesCreated = new LongAdder();
}
