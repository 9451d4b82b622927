package dev.cairn.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metrics of one service process: a Micrometer registry rendered in the Prometheus text format. Each
 * service creates one at start and hands its {@link #registry()} to the classes that count things (no
 * global registry: two services in one JVM, as in tests, keep theirs apart).
 *
 * <p>Every meter carries the common tags {@code service} (e.g. "pageserver") and, when the process has one,
 * {@code node} (e.g. the safekeeper's id). Not {@code instance}: Prometheus sets that from the scrape target.
 */
public final class ServiceMetrics implements AutoCloseable {
    private final String service;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    private ServiceMetrics(String service, String node) {
        this.service = service;
        Tags common = Tags.of("service", service);
        if (node != null && !node.isEmpty()) {
            common = common.and("node", node);
        }
        registry.config().commonTags(common);
    }

    /** A registry for {@code service} without JVM meters (tests, or several services in one JVM). */
    public static ServiceMetrics create(String service) {
        return new ServiceMetrics(service, null);
    }

    /** @param node the process's name among its peers (e.g. safekeeper id), or null */
    public static ServiceMetrics create(String service, String node) {
        return new ServiceMetrics(service, node);
    }

    /**
     * Adds the JVM's and the process's meters (heap, GC pauses, threads, classes, CPU, uptime): for a
     * service's own process; in a shared JVM they would only repeat each other.
     */
    public ServiceMetrics withJvmMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    public String service() {
        return service;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Runs {@code refresh} before every scrape: for meters that follow a changing set of things (a gauge per
     * timeline) and are cheaper to reconcile when read than on every change.
     */
    public void beforeScrape(Runnable refresh) {
        beforeScrape.add(refresh);
    }

    /** The registry in the Prometheus text format. */
    public synchronized String scrape() {
        for (Runnable r : beforeScrape) {
            r.run();
        }
        return registry.scrape();
    }

    /**
     * A latency timer exported as a Prometheus histogram ({@code <name>_seconds_bucket}), with buckets from
     * {@code min} to {@code max}: the range bounds the number of buckets each timer exports.
     */
    public static Timer.Builder latency(String name, String description, Duration min, Duration max) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(min).maximumExpectedValue(max);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a binder that cannot unregister its listeners: nothing to do about it at shutdown
            }
        }
        registry.close();
    }
}
