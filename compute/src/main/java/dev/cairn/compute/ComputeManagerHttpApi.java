package dev.cairn.compute;

import dev.cairn.compute.api.ComputeManagerClient;

import dev.cairn.compute.api.EndpointDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.cairn.httpapi.ApiError;
import dev.cairn.httpapi.JsonHttpServer;
import dev.cairn.compute.api.BackendAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compute manager's HTTP API: register, list, wake, suspend and delete endpoints. Errors are JSON
 * {@code {"error": code, "message": text}}.
 */
public final class ComputeManagerHttpApi implements AutoCloseable {
    static final ObjectMapper JSON = JsonHttpServer.JSON;
    private static final Pattern ENDPOINT = Pattern.compile("^/v1/endpoints/([^/]+)(/wake|/suspend|/config)?/?$");

    private final ComputeManager manager;
    private JsonHttpServer server;

    private ComputeManagerHttpApi(ComputeManager manager) {
        this.manager = manager;
    }

    public static ComputeManagerHttpApi start(ComputeManager manager, InetSocketAddress address) throws IOException {
        ComputeManagerHttpApi api = new ComputeManagerHttpApi(manager);
        api.server = JsonHttpServer.start(address, api::handle, ComputeManagerHttpApi::classify);
        return api;
    }

    public int port() {
        return server.port();
    }

    private void handle(HttpExchange ex, String method, String path) throws Exception {
        if (path.equals("/metrics")) { JsonHttpServer.send(ex, 200, dev.cairn.httpapi.metrics.ServiceMetrics.CONTENT_TYPE, manager.metrics().scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)); return; }
        if (path.equals("/v1/endpoints") || path.equals("/v1/endpoints/")) {
            JsonHttpServer.requireMethod(method, "GET", path);
            JsonHttpServer.sendJson(ex, 200, Map.of("endpoints", manager.list()));
            return;
        }
        Matcher m = ENDPOINT.matcher(path);
        if (!m.matches()) {
            throw new ApiError(404, "not_found", "no such API path: " + method + " " + path);
        }
        String name = m.group(1);
        String action = m.group(2) == null ? "" : m.group(2);
        switch (action) {
            case "/wake" -> {
                JsonHttpServer.requireMethod(method, "POST", path);
                BackendAddress a = manager.wake(name).get();
                JsonHttpServer.sendJson(ex, 200, Map.of("host", a.host(), "port", a.port()));
            }
            case "/suspend" -> {
                JsonHttpServer.requireMethod(method, "POST", path);
                manager.status(name);
                manager.suspend(name);
                JsonHttpServer.sendJson(ex, 200, manager.status(name));
            }
            case "/config" -> {
                JsonHttpServer.requireMethod(method, "GET", path);
                JsonHttpServer.sendJson(ex, 200, manager.find(name).orElseThrow(() -> new UnknownEndpointException(name)));
            }
            default -> {
                switch (method) {
                    case "GET" -> JsonHttpServer.sendJson(ex, 200, manager.status(name));
                    case "PUT" -> {
                        EndpointDefinition body = JSON.readValue(ex.getRequestBody(), EndpointDefinition.class);
                        EndpointDefinition def = new EndpointDefinition(name, body.tenant(), body.timeline(),
                                body.roles() == null ? Map.of() : body.roles(),
                                body.maxConnections() == 0 ? 100 : body.maxConnections());
                        JsonHttpServer.sendJson(ex, 200, manager.put(def));
                    }
                    case "DELETE" -> {
                        if (!manager.delete(name)) {
                            throw new UnknownEndpointException(name);
                        }
                        JsonHttpServer.sendJson(ex, 200, Map.of("deleted", name));
                    }
                    default -> throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
                }
            }
        }
    }


    private static ApiError classify(Throwable e) {
        if (e instanceof ExecutionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        if (e instanceof UnknownEndpointException) {
            return new ApiError(404, "unknown_endpoint", msg);
        }
        if (e instanceof IllegalArgumentException || e instanceof com.fasterxml.jackson.core.JacksonException) {
            return new ApiError(400, "bad_request", msg);
        }
        if (e instanceof dev.cairn.kms.KeyRevokedException) {
            return new ApiError(403, ComputeManagerClient.TENANT_KEYS_REVOKED, msg);
        }
        if (e instanceof TimelineStoppedException) {
            return new ApiError(503, ComputeManagerClient.TIMELINE_STOPPED, msg);
        }
        if (e instanceof ComputeException) {
            return new ApiError(503, "compute_failed", msg);
        }
        return new ApiError(500, "internal", msg);
    }

    @Override
    public void close() {
        server.close();
    }
}
