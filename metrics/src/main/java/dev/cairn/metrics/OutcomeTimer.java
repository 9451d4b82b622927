package dev.cairn.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A latency histogram split by outcome ({@code outcome="ok"|"failed"}): how long something took and whether it
 * worked, e.g. a wake. Its {@code _count} per outcome counts the attempts.
 */
public final class OutcomeTimer {
    private final Timer ok;
    private final Timer failed;

    public OutcomeTimer(MeterRegistry registry, String name, String description, Duration min, Duration max) {
        this.ok = ServiceMetrics.latency(name, description, min, max).tag("outcome", "ok").register(registry);
        this.failed = ServiceMetrics.latency(name, description, min, max).tag("outcome", "failed").register(registry);
    }

    /** Records the time since {@code startNanos} ({@link System#nanoTime}) under its outcome. */
    public void record(long startNanos, boolean succeeded) {
        (succeeded ? ok : failed).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
