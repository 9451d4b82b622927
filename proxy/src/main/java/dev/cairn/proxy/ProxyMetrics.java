package dev.cairn.proxy;

import dev.cairn.metrics.OutcomeTimer;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.proxy.protocol.SqlState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's meters, on the registry the process hands in: client connections (accepted, open), sessions
 * relayed (TLS or not), endpoint wakes and how long they took, and every refusal by its SQLSTATE.
 */
public final class ProxyMetrics {
    private final ServiceMetrics service;
    private final Counter accepted;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter sessionsTls;
    private final Counter sessionsPlain;
    private final Counter tlsFailures;
    private final Map<SqlState, Counter> errors = new EnumMap<>(SqlState.class);
    private final OutcomeTimer wakes;

    public ProxyMetrics(ServiceMetrics service) {
        this.service = service;
        MeterRegistry r = service.registry();
        accepted = Counter.builder("cairn.proxy.connections.accepted").description("client connections accepted").register(r);
        Gauge.builder("cairn.proxy.connections.active", open, AtomicInteger::get).description("client connections open")
                .register(r);
        sessionsTls = sessions(r, "true");
        sessionsPlain = sessions(r, "false");
        tlsFailures = Counter.builder("cairn.proxy.tls.failures")
                .description("connections closed because their TLS handshake or records failed").register(r);
        for (SqlState s : SqlState.values()) {
            errors.put(s, Counter.builder("cairn.proxy.errors").description("connections refused, by the SQLSTATE sent")
                    .tag("sqlstate", s.code()).register(r));
        }
        // the count per outcome is the number of wakes: cairn_proxy_wake_duration_seconds_count{outcome=...}
        wakes = new OutcomeTimer(r, "cairn.proxy.wake.duration", "endpoint wakes: until the compute's address (ok) or the failure",
                Duration.ofMillis(1), Duration.ofSeconds(120));
    }

    /** Meters on a registry of their own: for a proxy that is not given one (tests, benchmarks). */
    public static ProxyMetrics standalone() {
        return new ProxyMetrics(ServiceMetrics.create("proxy"));
    }

    private static Counter sessions(MeterRegistry r, String tls) {
        return Counter.builder("cairn.proxy.sessions").description("client sessions relayed to a compute, by TLS")
                .tag("tls", tls).register(r);
    }


    /** A client connection was accepted; it counts as open until its channel closes. */
    void accepted(Channel client) {
        accepted.increment();
        open.incrementAndGet();
        client.closeFuture().addListener(f -> open.decrementAndGet());
    }

    void relayed(boolean tls) {
        (tls ? sessionsTls : sessionsPlain).increment();
    }

    void refused(SqlState state) {
        errors.get(state).increment();
    }

    void tlsFailed() {
        tlsFailures.increment();
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
