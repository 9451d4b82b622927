package dev.cairn.proxy.endpoint;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts client connections per endpoint and refuses the one over the limit with 53300. */
public final class ConnectionLimiter {
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public Permit acquire(EndpointConfig endpoint) {
        AtomicInteger count = counts.computeIfAbsent(endpoint.name(), k -> new AtomicInteger());
        if (count.incrementAndGet() > endpoint.maxConnections()) {
            count.decrementAndGet();
            throw new ProxyException(SqlState.TOO_MANY_CONNECTIONS, endpoint.name(),
                    "too many connections for endpoint \"" + endpoint.name() + "\" (limit " + endpoint.maxConnections() + ")");
        }
        return new Permit(count);
    }

    public int active(String endpoint) {
        AtomicInteger c = counts.get(endpoint);
        return c == null ? 0 : c.get();
    }

    /** One connection's slot; releasing twice is harmless. */
    public static final class Permit implements AutoCloseable {
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
