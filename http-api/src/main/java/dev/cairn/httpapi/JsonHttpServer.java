package dev.cairn.httpapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An admin API server: the JDK's HTTP server on virtual threads, one handler for every path, and one
 * error convention. Whatever the handler throws is turned by the service's classifier into an
 * {@link ApiError} and answered as JSON, unless the response had already started (a streamed body is
 * then cut short, which the client notices).
 */
public final class JsonHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonHttpServer.class);
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Serves one request; writes the response through {@link #sendJson} or the exchange itself. */
    public interface Handler {
        void handle(HttpExchange exchange, String method, String path) throws Exception;
    }

    private final HttpServer server;

    private JsonHttpServer(HttpServer server) {
        this.server = server;
    }

    /** @param classifier maps the service's exceptions to refusals; unknown ones should become 500 */
    public static JsonHttpServer start(InetSocketAddress address, Handler handler,
                                       Function<Throwable, ApiError> classifier) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        server.createContext("/", ex -> serve(ex, handler, classifier));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new JsonHttpServer(server);
    }

    private static void serve(HttpExchange ex, Handler handler, Function<Throwable, ApiError> classifier) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            try {
                handler.handle(ex, method, path);
            } catch (Exception e) {
                ApiError error = e instanceof ApiError a ? a : classifier.apply(e);
                if (error.status() >= 500) {
                    LOG.warn("{} {} failed: {}", method, path, e.toString());
                }
                if (ex.getResponseCode() == -1) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("error", error.code());
                    body.put("message", error.getMessage());
                    sendJson(ex, error.status(), body);
                }
            }
        }
    }

    public static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    /** Refuses a request whose method the path does not take. */
    public static void requireMethod(String method, String allowed, String path) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
    }
}
