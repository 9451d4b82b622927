package dev.cairn.proxy.endpoint;

import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointDefinition;

import dev.cairn.httpapi.ApiException;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The proxy's view of the endpoints when a compute manager runs them: the catalog (role verifiers, limits)
 * and wake-on-connect come from the manager's API; idle suspend goes to it.
 */
public final class ManagedEndpoints implements EndpointCatalog, EndpointResolver, EndpointSuspender {
    private final ComputeManagerClient client;
    private final Duration wakeTimeout;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    /** The proxy looks endpoints up on its event loop: keep manager round trips off most connections. */
    private final Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    private record Cached(Optional<EndpointConfig> config, long at) {
    }

    public ManagedEndpoints(ComputeManagerClient client, Duration wakeTimeout) {
        this.client = client;
        this.wakeTimeout = wakeTimeout;
    }

    @Override
    public Optional<EndpointConfig> find(String endpoint) {
        if (!endpoint.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            return Optional.empty();
        }
        Cached c = cache.get(endpoint);
        if (c != null && System.nanoTime() - c.at() < CACHE_NANOS) {
            return c.config();
        }
        Optional<EndpointConfig> fresh = lookup(endpoint);
        cache.put(endpoint, new Cached(fresh, System.nanoTime()));
        return fresh;
    }

    private Optional<EndpointConfig> lookup(String endpoint) {
        try {
            EndpointDefinition def = client.config(endpoint);
            Map<String, ScramVerifier> roles = new HashMap<>();
            def.roles().forEach((role, verifier) -> roles.put(role, ScramVerifier.parse(verifier)));
            return Optional.of(new EndpointConfig(def.name(), def.maxConnections(), roles));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<BackendAddress> wake(String endpoint) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.wake(endpoint, wakeTimeout);
            } catch (ApiException e) {
                if (ComputeManagerClient.TENANT_KEYS_REVOKED.equals(e.code())) {
                    // not a transient start failure: the customer revoked the key, retrying cannot help
                    throw new ProxyException(SqlState.INSUFFICIENT_PRIVILEGE, endpoint,
                            "endpoint \"" + endpoint + "\" is unavailable: " + e.getMessage(), e);
                }
                if (ComputeManagerClient.TIMELINE_STOPPED.equals(e.code())) {
                    // neither the client's fault nor transient: say what stopped, where and why, at once
                    throw new ProxyException(SqlState.STORAGE_INGEST_STOPPED, endpoint,
                            "endpoint \"" + endpoint + "\" is unavailable: " + e.getMessage(), e);
                }
                throw e;
            }
        }, calls);
    }

    @Override
    public void suspend(String endpoint) {
        client.suspend(endpoint);
    }
}
