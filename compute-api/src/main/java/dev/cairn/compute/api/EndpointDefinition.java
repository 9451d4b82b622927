package dev.cairn.compute.api;

import java.util.Map;

/**
 * An endpoint as registered with the compute manager: the timeline its compute serves, its roles' SCRAM
 * verifiers (never passwords) and its connection limit.
 */
public record EndpointDefinition(String name, String tenant, String timeline, Map<String, String> roles,
                                 int maxConnections) {
    public EndpointDefinition {
        roles = Map.copyOf(roles);
    }
}
