package dev.cairn.safekeeper.service;

import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.safekeeper.consensus.RefusalReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The meters of one safekeeper process, on the registry the process hands in; served in the Prometheus text
 * format over HTTP ({@code cairn safekeeper --metrics-listen}) and by the gRPC Admin service.
 */
public final class SafekeeperMetrics {
    final Counter appendRequests;
    final Counter walBytesAppended;
    final Counter groupCommits;
    final Counter batches;
    final Counter batchedRequests;
    final Counter segmentsRemoved;
    final Counter storageFailures;
    /** An append from its arrival in the timeline's queue to its acknowledgement: queueing, write and fsync. */
    final Timer appendDuration;
    /** One group commit: the batch's WAL written and fsynced. */
    final Timer flushDuration;
    private final Map<RefusalReason, Counter> refusals = new EnumMap<>(RefusalReason.class);
    private final ServiceMetrics service;

    public SafekeeperMetrics(ServiceMetrics service) {
        this.service = service;
        MeterRegistry r = service.registry();
        appendRequests = counter(r, "cairn.safekeeper.append.requests", "append requests received");
        walBytesAppended = counter(r, "cairn.safekeeper.wal.bytes.appended", "WAL bytes received in appends");
        groupCommits = counter(r, "cairn.safekeeper.group.commits", "fsyncs that acknowledged a batch of appends");
        batches = counter(r, "cairn.safekeeper.request.batches", "batches of requests handled together");
        batchedRequests = counter(r, "cairn.safekeeper.batched.requests", "requests in those batches (ratio: mean batch size)");
        segmentsRemoved = counter(r, "cairn.safekeeper.wal.segments.removed", "WAL segments removed after consumers had them durably");
        storageFailures = counter(r, "cairn.safekeeper.storage.failures", "timelines stopped (fail-stop) by an error storing"
                + " WAL: full disk, I/O error, unusable keys; each reopens from disk for the next proposer stream");
        for (RefusalReason reason : RefusalReason.values()) {
            refusals.put(reason, Counter.builder("cairn.safekeeper.refusals").description("requests refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(r));
        }
        appendDuration = ServiceMetrics.latency("cairn.safekeeper.append.duration",
                "appends from arrival to acknowledgement (queue, write, fsync)", Duration.ofNanos(50_000), Duration.ofSeconds(10))
                .register(r);
        flushDuration = ServiceMetrics.latency("cairn.safekeeper.flush.duration",
                "group commits: a batch's WAL written and fsynced", Duration.ofNanos(20_000), Duration.ofSeconds(10))
                .register(r);
    }

    /** Meters on a registry of their own: for a node that is not given one (tests, benchmarks). */
    public static SafekeeperMetrics standalone() {
        return new SafekeeperMetrics(ServiceMetrics.create("safekeeper"));
    }

    private static Counter counter(MeterRegistry r, String name, String help) {
        return Counter.builder(name).description(help).register(r);
    }

    void refused(RefusalReason reason) {
        refusals.get(reason).increment();
    }

    public void countTimelines(Supplier<Integer> open) {
        Gauge.builder("cairn.safekeeper.timelines", open, s -> s.get()).description("timelines open on this safekeeper")
                .strongReference(true)
                .register(service.registry());
    }

    public ServiceMetrics service() {
        return service;
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return service.scrape();
    }
}
