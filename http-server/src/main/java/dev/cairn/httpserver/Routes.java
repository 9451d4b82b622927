package dev.cairn.httpserver;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing table of an API: method + path template -> handler. The first route whose template and method
 * fit wins; a path no template fits is a 404, a path some template fits with another method a 405 that lists
 * the allowed methods.
 * <pre>{@code
 * new Routes()
 *     .get("/v1/timelines", r -> ApiResponse.json(list()))
 *     .post("/v1/tenants/{tenant}/timelines/{timeline}", r -> ApiResponse.json(201, create(r.pathParam("tenant"), ...)))
 * }</pre>
 */
public final class Routes {
    /** Serves one request; runs on a virtual thread and may block. What it throws goes to the server's classifier. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    private record Route(String method, PathTemplate template, Handler handler) {
    }

    /** What a lookup found. */
    public sealed interface Match {
    }

    public record Found(Handler handler, Map<String, String> pathParams) implements Match {
    }

    public record NotFound() implements Match {
    }

    public record MethodNotAllowed(Set<String> allowed) implements Match {
    }

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    public Routes post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    public Routes put(String template, Handler handler) {
        return add("PUT", template, handler);
    }

    public Routes delete(String template, Handler handler) {
        return add("DELETE", template, handler);
    }

    public synchronized Routes add(String method, String template, Handler handler) {
        routes.add(new Route(method, new PathTemplate(template), handler));
        return this;
    }

    /** Adds every route of {@code other}, after this table's own. */
    public synchronized Routes addAll(Routes other) {
        List<Route> theirs;
        synchronized (other) {
            theirs = List.copyOf(other.routes);
        }
        routes.addAll(theirs);
        return this;
    }

    /** The route for {@code method} on {@code path} (decoded, without the query). */
    public synchronized Match find(String method, String path) {
        List<String> segments = PathTemplate.segments(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.template().match(segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Found(r.handler(), params);
            }
            allowed.add(r.method());
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(allowed);
    }
}
