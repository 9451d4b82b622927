package dev.cairn.proxy.endpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Suspends an endpoint once it has had no client connections for the idle timeout. A new
 * connection cancels the pending suspend; the count is checked again when the timer fires
 * because first/last notifications from different threads may arrive out of order.
 */
public final class IdleSuspender implements ConnectionLimiter.ActivityListener {
    private static final Logger log = LoggerFactory.getLogger(IdleSuspender.class);

    private final Duration idleTimeout;
    private final ScheduledExecutorService timer;
    private final EndpointSuspender suspender;
    private ToIntFunction<String> activeConnections = e -> 0;
    private final Map<String, ScheduledFuture<?>> pending = new HashMap<>();

    public IdleSuspender(Duration idleTimeout, ScheduledExecutorService timer, EndpointSuspender suspender) {
        this.idleTimeout = idleTimeout;
        this.timer = timer;
        this.suspender = suspender;
    }

    /** Where to read the live count from (the limiter this listens to). */
    public IdleSuspender countingWith(ToIntFunction<String> activeConnections) {
        this.activeConnections = activeConnections;
        return this;
    }

    @Override
    public synchronized void firstConnection(String endpoint) {
        ScheduledFuture<?> f = pending.remove(endpoint);
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public synchronized void lastConnectionClosed(String endpoint) {
        ScheduledFuture<?> old = pending.put(endpoint,
                timer.schedule(() -> fire(endpoint), idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    private void fire(String endpoint) {
        synchronized (this) {
            pending.remove(endpoint);
            if (activeConnections.applyAsInt(endpoint) > 0) {
                return;
            }
        }
        log.info("endpoint {} idle for {}: suspending", endpoint, idleTimeout);
        try {
            suspender.suspend(endpoint);
        } catch (RuntimeException e) {
            log.warn("suspending idle endpoint {} failed", endpoint, e);
        }
    }
}
