package dev.cairn.httpapi.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} on a port of its own, for services whose API is not HTTP (the safekeeper's is gRPC,
 * the proxy's the PostgreSQL protocol). Anything else is 404; a method other than GET/HEAD is 405.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsHttpServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsHttpServer start(InetSocketAddress address, ServiceMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/", ex -> serve(ex, metrics));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new MetricsHttpServer(server);
    }

    private static void serve(HttpExchange ex, ServiceMetrics metrics) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!path.equals("/metrics")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /metrics)\n", false);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n", false);
            } else {
                send(ex, 200, ServiceMetrics.CONTENT_TYPE, metrics.scrape(), method.equals("HEAD"));
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body, boolean headOnly) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, headOnly ? -1 : bytes.length);
        if (!headOnly) {
            ex.getResponseBody().write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
