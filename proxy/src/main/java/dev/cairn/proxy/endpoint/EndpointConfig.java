package dev.cairn.proxy.endpoint;

import dev.cairn.compute.api.ScramVerifier;

import java.util.Map;
import java.util.Optional;

/** What the proxy knows about an endpoint before waking it: its limit and its roles' SCRAM verifiers. */
public record EndpointConfig(String name, int maxConnections, Map<String, ScramVerifier> roles) {
    public EndpointConfig {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("endpoint " + name + ": maxConnections must be positive");
        }
        roles = Map.copyOf(roles);
    }

    public Optional<ScramVerifier> role(String user) {
        return Optional.ofNullable(roles.get(user));
    }
}
