package dev.cairn.proxy.endpoint;

import dev.cairn.compute.api.BackendAddress;

import java.util.concurrent.CompletableFuture;

/**
 * Turns an endpoint into a running compute. The compute agent implements wake-on-connect here:
 * the future completes when postgres accepts connections, and fails if the compute cannot start.
 * Called once per client connection; implementations coalesce concurrent wakes.
 */
public interface EndpointResolver {
    CompletableFuture<BackendAddress> wake(String endpoint);
}
