package dev.cairn.compute.api;


import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.httpapi.ApiException;
import dev.cairn.httpapi.JsonHttpClient;
import dev.cairn.httpapi.Json;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Client of the compute manager's HTTP API (the compute manager's); refusals are {@link ApiException}s. */
public final class ComputeManagerClient {
    /** Error code of a refusal because the endpoint's tenant keys are revoked. */
    public static final String TENANT_KEYS_REVOKED = "tenant_keys_revoked";
    /** Error code of a refusal because the pageserver stopped ingesting the endpoint's timeline. */
    public static final String TIMELINE_STOPPED = "timeline_stopped";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final JsonHttpClient http;

    public ComputeManagerClient(URI base) {
        this.http = new JsonHttpClient(base, "compute manager");
    }

    public EndpointDefinition put(EndpointDefinition def) {
        return http.call("PUT", "/v1/endpoints/" + def.name(), def, EndpointDefinition.class, TIMEOUT);
    }

    public EndpointDefinition config(String name) {
        return http.call("GET", "/v1/endpoints/" + name + "/config", null, EndpointDefinition.class, TIMEOUT);
    }

    public EndpointStatus status(String name) {
        return http.call("GET", "/v1/endpoints/" + name, null, EndpointStatus.class, TIMEOUT);
    }

    public List<EndpointStatus> list() {
        JsonNode body = http.call("GET", "/v1/endpoints", null, JsonNode.class, TIMEOUT);
        return Json.MAPPER.convertValue(body.get("endpoints"), new TypeReference<List<EndpointStatus>>() {
        });
    }

    /** Blocks until the endpoint's compute runs; {@code timeout} bounds the wait. */
    public BackendAddress wake(String name, Duration timeout) {
        JsonNode a = http.call("POST", "/v1/endpoints/" + name + "/wake", null, JsonNode.class, timeout);
        return new BackendAddress(a.get("host").asText(), a.get("port").asInt());
    }

    public EndpointStatus suspend(String name) {
        return http.call("POST", "/v1/endpoints/" + name + "/suspend", null, EndpointStatus.class, Duration.ofMinutes(2));
    }

    public void delete(String name) {
        http.call("DELETE", "/v1/endpoints/" + name, null, JsonNode.class, TIMEOUT);
    }
}
