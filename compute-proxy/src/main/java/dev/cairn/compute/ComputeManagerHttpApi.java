package dev.cairn.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.proxy.endpoint.BackendAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compute manager's HTTP API: register, list, wake, suspend and delete endpoints. Errors are JSON
 * {@code {"error": code, "message": text}}.
 */
public final class ComputeManagerHttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeManagerHttpApi.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENDPOINT = Pattern.compile("^/v1/endpoints/([^/]+)(/wake|/suspend|/config)?/?$");

    private final ComputeManager manager;
    private final HttpServer server;

    private ComputeManagerHttpApi(ComputeManager manager, HttpServer server) {
        this.manager = manager;
        this.server = server;
    }

    public static ComputeManagerHttpApi start(ComputeManager manager, InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ComputeManagerHttpApi api = new ComputeManagerHttpApi(manager, server);
        server.createContext("/", api::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                if (path.equals("/v1/endpoints") || path.equals("/v1/endpoints/")) {
                    require(method, "GET", path);
                    send(ex, 200, Map.of("endpoints", manager.list()));
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
                        require(method, "POST", path);
                        BackendAddress a = manager.wake(name).get();
                        send(ex, 200, Map.of("host", a.host(), "port", a.port()));
                    }
                    case "/suspend" -> {
                        require(method, "POST", path);
                        manager.status(name);
                        manager.suspend(name);
                        send(ex, 200, manager.status(name));
                    }
                    case "/config" -> {
                        require(method, "GET", path);
                        send(ex, 200, manager.find(name).orElseThrow(() -> new UnknownEndpointException(name)));
                    }
                    default -> {
                        switch (method) {
                            case "GET" -> send(ex, 200, manager.status(name));
                            case "PUT" -> {
                                EndpointDefinition body = JSON.readValue(ex.getRequestBody(), EndpointDefinition.class);
                                EndpointDefinition def = new EndpointDefinition(name, body.tenant(), body.timeline(),
                                        body.roles() == null ? Map.of() : body.roles(),
                                        body.maxConnections() == 0 ? 100 : body.maxConnections());
                                send(ex, 200, manager.put(def));
                            }
                            case "DELETE" -> {
                                if (!manager.delete(name)) {
                                    throw new UnknownEndpointException(name);
                                }
                                send(ex, 200, Map.of("deleted", name));
                            }
                            default -> throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
                        }
                    }
                }
            } catch (Exception e) {
                ApiError error = classify(e);
                if (error.status >= 500) {
                    LOG.warn("{} {} failed: {}", method, path, error.getMessage());
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", error.code);
                body.put("message", error.getMessage());
                send(ex, error.status, body);
            }
        }
    }

    private static void require(String method, String allowed, String path) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
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
        if (e instanceof ApiError a) {
            return a;
        }
        if (e instanceof UnknownEndpointException) {
            return new ApiError(404, "unknown_endpoint", msg);
        }
        if (e instanceof IllegalArgumentException || e instanceof com.fasterxml.jackson.core.JacksonException) {
            return new ApiError(400, "bad_request", msg);
        }
        if (e instanceof ComputeException) {
            return new ApiError(503, "compute_failed", msg);
        }
        return new ApiError(500, "internal", msg);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(1);
    }

    private static final class ApiError extends RuntimeException {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
