package dev.cairn.compute;

import com.fasterxml.jackson.core.JacksonException;

import dev.cairn.compute.api.ComputeManagerClient;

import dev.cairn.compute.api.EndpointDefinition;

import dev.cairn.httpserver.ApiRequest;
import dev.cairn.httpserver.ApiResponse;
import dev.cairn.httpserver.ErrorTable;
import dev.cairn.httpserver.HttpApiServer;
import dev.cairn.httpserver.Routes;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.compute.api.BackendAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The compute manager's HTTP API: register, list, wake, suspend and delete endpoints. Errors are JSON
 * {@code {"error": code, "message": text}}.
 */
public final class ComputeManagerHttpApi implements AutoCloseable {
    private static final String ENDPOINT = "/v1/endpoints/{name}";

    private final ComputeManager manager;
    private HttpApiServer server;

    private ComputeManagerHttpApi(ComputeManager manager) {
        this.manager = manager;
    }

    public static ComputeManagerHttpApi start(ComputeManager manager, InetSocketAddress address) throws IOException {
        ComputeManagerHttpApi api = new ComputeManagerHttpApi(manager);
        api.server = HttpApiServer.builder(address).name("compute-manager-http").routes(api.routes())
                .errors(ERRORS).metrics(() -> manager.metrics().scrape()).start();
        return api;
    }

    public int port() {
        return server.port();
    }

    private Routes routes() {
        return new Routes()
                .get("/v1/endpoints", r -> ApiResponse.json(Map.of("endpoints", manager.list())))
                .get(ENDPOINT, r -> ApiResponse.json(manager.status(r.pathParam("name"))))
                .put(ENDPOINT, this::put)
                .delete(ENDPOINT, r -> {
                    String name = r.pathParam("name");
                    if (!manager.delete(name)) {
                        throw new UnknownEndpointException(name);
                    }
                    return ApiResponse.json(Map.of("deleted", name));
                })
                .post(ENDPOINT + "/wake", r -> {
                    BackendAddress a = manager.wake(r.pathParam("name")).get();
                    return ApiResponse.json(Map.of("host", a.host(), "port", a.port()));
                })
                .post(ENDPOINT + "/suspend", r -> {
                    String name = r.pathParam("name");
                    manager.status(name);
                    manager.suspend(name);
                    return ApiResponse.json(manager.status(name));
                })
                .get(ENDPOINT + "/config", r -> {
                    String name = r.pathParam("name");
                    return ApiResponse.json(manager.find(name).orElseThrow(() -> new UnknownEndpointException(name)));
                });
    }

    private ApiResponse put(ApiRequest r) {
        String name = r.pathParam("name");
        EndpointDefinition body = r.json(EndpointDefinition.class);
        EndpointDefinition def = new EndpointDefinition(name, body.tenant(), body.timeline(),
                body.roles() == null ? Map.of() : body.roles(),
                body.maxConnections() == 0 ? 100 : body.maxConnections());
        return ApiResponse.json(manager.put(def));
    }

    /** The compute manager's refusals; a wake's failure arrives wrapped by its future. */
    private static final ErrorTable ERRORS = new ErrorTable()
            .unwrapping(ExecutionException.class, CompletionException.class)
            .map(UnknownEndpointException.class, 404, "unknown_endpoint")
            .map(IllegalArgumentException.class, 400, "bad_request")
            .map(JacksonException.class, 400, "bad_request")
            .map(KeyRevokedException.class, 403, ComputeManagerClient.TENANT_KEYS_REVOKED)
            .map(TimelineStoppedException.class, 503, ComputeManagerClient.TIMELINE_STOPPED)
            .map(ComputeException.class, 503, "compute_failed");

    @Override
    public void close() {
        server.close();
    }
}
