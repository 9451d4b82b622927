package dev.cairn.safekeeper.service;

import dev.cairn.safekeeper.consensus.RefusalReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one safekeeper process, rendered in the Prometheus text format by the Admin service. */
public final class SafekeeperMetrics {
    final LongAdder appendRequests = new LongAdder();
    final LongAdder walBytesAppended = new LongAdder();
    final LongAdder groupCommits = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedRequests = new LongAdder();
    final LongAdder segmentsRemoved = new LongAdder();
    final LongAdder storageFailures = new LongAdder();
    private final Map<RefusalReason, LongAdder> refusals = new EnumMap<>(RefusalReason.class);

    public SafekeeperMetrics() {
        for (RefusalReason r : RefusalReason.values()) {
            refusals.put(r, new LongAdder());
        }
    }

    void refused(RefusalReason reason) {
        refusals.get(reason).increment();
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        counter(s, "cairn_safekeeper_append_requests_total", "append requests received", appendRequests.sum());
        counter(s, "cairn_safekeeper_wal_bytes_appended_total", "WAL bytes received in appends", walBytesAppended.sum());
        counter(s, "cairn_safekeeper_group_commits_total", "fsyncs that acknowledged a batch of appends", groupCommits.sum());
        counter(s, "cairn_safekeeper_request_batches_total", "batches of requests handled together", batches.sum());
        counter(s, "cairn_safekeeper_batched_requests_total", "requests in those batches (ratio: mean batch size)", batchedRequests.sum());
        counter(s, "cairn_safekeeper_wal_segments_removed_total", "WAL segments removed after consumers had them durably", segmentsRemoved.sum());
        counter(s, "cairn_safekeeper_storage_failures_total", "timelines stopped (fail-stop) by an error storing"
                + " WAL: full disk, I/O error, unusable keys; each reopens from disk for the next proposer stream", storageFailures.sum());
        s.append("# HELP cairn_safekeeper_refusals_total requests refused, by reason\n");
        s.append("# TYPE cairn_safekeeper_refusals_total counter\n");
        refusals.forEach((reason, n) -> s.append("cairn_safekeeper_refusals_total{reason=\"")
                .append(reason.name().toLowerCase(java.util.Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
        return s.toString();
    }

    private static void counter(StringBuilder s, String name, String help, long value) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n');
        s.append("# TYPE ").append(name).append(" counter\n");
        s.append(name).append(' ').append(value).append('\n');
    }
}
