package dev.cairn.proxy.endpoint;

import dev.cairn.compute.api.BackendAddress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.compute.api.ScramVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Endpoints with fixed, always-running backends, read from a JSON file until the compute agent
 * provides wake-on-connect:
 * <pre>{"endpoints": [{"name": "main", "backend": "127.0.0.1:5432", "maxConnections": 100,
 *   "roles": {"app": "SCRAM-SHA-256$4096:...$...:..."}}]}</pre>
 */
public final class StaticEndpoints implements EndpointCatalog, EndpointResolver {
    private final Map<String, EndpointConfig> configs;
    private final Map<String, BackendAddress> backends;

    public StaticEndpoints(Map<String, EndpointConfig> configs, Map<String, BackendAddress> backends) {
        this.configs = Map.copyOf(configs);
        this.backends = Map.copyOf(backends);
    }

    public static StaticEndpoints read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, EndpointConfig> configs = new LinkedHashMap<>();
        Map<String, BackendAddress> backends = new HashMap<>();
        for (JsonNode ep : root.path("endpoints")) {
            String name = text(ep, "name", file);
            Map<String, ScramVerifier> roles = new HashMap<>();
            ep.path("roles").fields().forEachRemaining(e -> roles.put(e.getKey(), ScramVerifier.parse(e.getValue().asText())));
            configs.put(name, new EndpointConfig(name, ep.path("maxConnections").asInt(100), roles));
            backends.put(name, parseAddress(text(ep, "backend", file)));
        }
        return new StaticEndpoints(configs, backends);
    }

    public static BackendAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        }
        return new BackendAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(file + ": every endpoint needs a string \"" + field + "\"");
        }
        return v.asText();
    }

    @Override
    public Optional<EndpointConfig> find(String endpoint) {
        return Optional.ofNullable(configs.get(endpoint));
    }

    @Override
    public CompletableFuture<BackendAddress> wake(String endpoint) {
        BackendAddress address = backends.get(endpoint);
        return address != null ? CompletableFuture.completedFuture(address)
                : CompletableFuture.failedFuture(new IllegalStateException("no backend configured for " + endpoint));
    }
}
