package dev.cairn.compute;

import dev.cairn.compute.api.BootTimings;
import dev.cairn.metrics.OutcomeTimer;
import dev.cairn.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The compute manager's meters, on the registry the process hands in: its endpoints by state, each phase
 * of every compute boot (sync with the safekeepers, basebackup, postgres up), wakes, and boot failures.
 */
public final class ComputeManagerMetrics {
    private final ServiceMetrics service;
    private final Timer syncPhase;
    private final Timer basebackupPhase;
    private final Timer postgresPhase;
    private final Timer boot;
    private final Counter basebackupBytes;
    private final Counter bootFailures;
    private final OutcomeTimer wakes;

    public ComputeManagerMetrics(ServiceMetrics service) {
        this.service = service;
        MeterRegistry r = service.registry();
        syncPhase = phase(r, "sync");
        basebackupPhase = phase(r, "basebackup");
        postgresPhase = phase(r, "postgres");
        boot = ServiceMetrics.latency("cairn.compute.boot.duration", "compute boots, all phases", Duration.ofMillis(10),
                Duration.ofSeconds(300)).register(r);
        basebackupBytes = Counter.builder("cairn.compute.basebackup.bytes").description("basebackup bytes extracted by boots")
                .register(r);
        bootFailures = Counter.builder("cairn.compute.boot.failures").description("compute boots that failed").register(r);
        // concurrent wakes of an endpoint share one: this counts the wakes that ran
        wakes = new OutcomeTimer(r, "cairn.compute.wake.duration", "endpoint wakes: a running compute's address, or a boot",
                Duration.ofMillis(1), Duration.ofSeconds(300));
    }

    /** Meters on a registry of their own: for a manager that is not given one (tests). */
    public static ComputeManagerMetrics standalone() {
        return new ComputeManagerMetrics(ServiceMetrics.create("compute-manager"));
    }

    private static Timer phase(MeterRegistry r, String phase) {
        return ServiceMetrics.latency("cairn.compute.boot.phase.duration",
                "compute boot phases: sync (safekeeper quorum), basebackup (streamed and extracted), postgres (start, roles, proposer)",
                Duration.ofMillis(1), Duration.ofSeconds(300)).tag("phase", phase).register(r);
    }


    /** One gauge per state: {@code cairn_compute_endpoints{state="running"}}. */
    public void countEndpoints(Supplier<Map<ComputeState, Long>> byState) {
        for (ComputeState s : ComputeState.values()) {
            Gauge.builder("cairn.compute.endpoints", byState, f -> f.get().getOrDefault(s, 0L))
                    .description("endpoints of this manager, by the state of their compute").tag("state", s.label())
                    .strongReference(true).register(service.registry());
        }
    }

    void booted(BootTimings t) {
        syncPhase.record(t.syncMillis(), TimeUnit.MILLISECONDS);
        basebackupPhase.record(t.basebackupMillis(), TimeUnit.MILLISECONDS);
        postgresPhase.record(t.postgresMillis(), TimeUnit.MILLISECONDS);
        boot.record(t.totalMillis(), TimeUnit.MILLISECONDS);
        basebackupBytes.increment(t.basebackupBytes());
    }

    void bootFailed() {
        bootFailures.increment();
    }

    void woke(long startNanos, boolean ok) {
        wakes.record(startNanos, ok);
    }

    public ServiceMetrics service() {
        return service;
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return service.scrape();
    }
}
