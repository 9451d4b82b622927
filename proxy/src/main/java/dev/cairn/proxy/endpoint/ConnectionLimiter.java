package dev.cairn.proxy.endpoint;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts client connections per endpoint, refuses the one over the limit with 53300, and tells an
 * {@link ActivityListener} when an endpoint gains its first or loses its last connection.
 */
public final class ConnectionLimiter {
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ActivityListener listener;

    /** Hears 0 -> 1 and 1 -> 0 transitions; calls for one endpoint may race, so check {@link #active} before acting. */
    public interface ActivityListener {
        ActivityListener NONE = new ActivityListener() {
            @Override
            public void firstConnection(String endpoint) {}

            @Override
            public void lastConnectionClosed(String endpoint) {}
        };

        void firstConnection(String endpoint);

        void lastConnectionClosed(String endpoint);
    }

    public ConnectionLimiter() {
        this(ActivityListener.NONE);
    }

    public ConnectionLimiter(ActivityListener listener) {
        this.listener = listener;
    }

    public Permit acquire(EndpointConfig endpoint) {
        AtomicInteger count = counts.computeIfAbsent(endpoint.name(), k -> new AtomicInteger());
        int now = count.incrementAndGet();
        if (now > endpoint.maxConnections()) {
            count.decrementAndGet();
            throw new ProxyException(SqlState.TOO_MANY_CONNECTIONS, endpoint.name(),
                    "too many connections for endpoint \"" + endpoint.name() + "\" (limit " + endpoint.maxConnections() + ")");
        }
        if (now == 1) {
            listener.firstConnection(endpoint.name());
        }
        return new Permit(endpoint.name(), count, listener);
    }

    public int active(String endpoint) {
        AtomicInteger c = counts.get(endpoint);
        return c == null ? 0 : c.get();
    }

    /** One connection's slot; releasing twice is harmless. */
    public static final class Permit implements AutoCloseable {
        private final String endpoint;
        private final AtomicInteger count;
        private final ActivityListener listener;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String endpoint, AtomicInteger count, ActivityListener listener) {
            this.endpoint = endpoint;
            this.count = count;
            this.listener = listener;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true) && count.decrementAndGet() == 0) {
                listener.lastConnectionClosed(endpoint);
            }
        }
    }
}
