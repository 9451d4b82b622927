package dev.cairn.proxy.endpoint;

import java.util.Optional;

/** Looks endpoints up by name. */
public interface EndpointCatalog {
    Optional<EndpointConfig> find(String endpoint);
}
