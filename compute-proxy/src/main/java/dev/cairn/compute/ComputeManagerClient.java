package dev.cairn.compute;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.proxy.endpoint.BackendAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Client of the compute manager's HTTP API ({@link ComputeManagerHttpApi}). */
public final class ComputeManagerClient {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ComputeManagerClient(URI base) {
        this.base = base;
    }

    public EndpointDefinition put(EndpointDefinition def) {
        return call("PUT", "/v1/endpoints/" + def.name(), def, EndpointDefinition.class);
    }

    public EndpointDefinition config(String name) {
        return call("GET", "/v1/endpoints/" + name + "/config", null, EndpointDefinition.class);
    }

    public EndpointStatus status(String name) {
        return call("GET", "/v1/endpoints/" + name, null, EndpointStatus.class);
    }

    public List<EndpointStatus> list() {
        JsonNode body = call("GET", "/v1/endpoints", null, JsonNode.class);
        return ComputeManagerHttpApi.JSON.convertValue(body.get("endpoints"), new TypeReference<List<EndpointStatus>>() {
        });
    }

    /** Blocks until the endpoint's compute runs; {@code timeout} bounds the wait. */
    public BackendAddress wake(String name, Duration timeout) {
        JsonNode a = call("POST", "/v1/endpoints/" + name + "/wake", null, JsonNode.class, timeout);
        return new BackendAddress(a.get("host").asText(), a.get("port").asInt());
    }

    public EndpointStatus suspend(String name) {
        return call("POST", "/v1/endpoints/" + name + "/suspend", null, EndpointStatus.class, Duration.ofMinutes(2));
    }

    public void delete(String name) {
        call("DELETE", "/v1/endpoints/" + name, null, JsonNode.class);
    }

    private <T> T call(String method, String path, Object body, Class<T> type) {
        return call(method, path, body, type, Duration.ofSeconds(30));
    }

    private <T> T call(String method, String path, Object body, Class<T> type, Duration timeout) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(ComputeManagerHttpApi.JSON.writeValueAsBytes(body));
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Content-Type", "application/json").method(method, publisher).build();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 != 2) {
                Map<String, Object> err;
                try {
                    err = ComputeManagerHttpApi.JSON.readValue(r.body(), new TypeReference<Map<String, Object>>() {
                    });
                } catch (IOException notJson) {
                    err = Map.of("error", "http", "message", new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                }
                throw new ComputeManagerException(r.statusCode(), String.valueOf(err.get("error")),
                        String.valueOf(err.get("message")));
            }
            return ComputeManagerHttpApi.JSON.readValue(r.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("compute manager " + base + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to compute manager " + base, e);
        }
    }
}
