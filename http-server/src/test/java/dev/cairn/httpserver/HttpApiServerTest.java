package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;
import dev.cairn.httpapi.ApiException;
import dev.cairn.httpapi.Json;
import dev.cairn.httpapi.JsonHttpClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing, the error convention, request bodies, metrics and keep-alive, over real sockets on 127.0.0.1. */
@Timeout(30)
class HttpApiServerTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApiServer server;

    static class Gone extends RuntimeException {
        Gone(String m) {
            super(m);
        }
    }

    private URI start(Routes routes) throws IOException {
        server = HttpApiServer.builder(ANY).name("test-http").routes(routes)
                .errors(e -> e instanceof Gone ? new ApiError(410, "gone", e.getMessage()) : new ApiError(500, "internal", e.getMessage()))
                .metrics(() -> "cairn_test_total 3\n")
                .start();
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Routes sample() {
        return new Routes()
                .get("/v1/tenants/{tenant}/timelines/{timeline}", r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("tenant", r.pathParam("tenant"));
                    m.put("timeline", r.pathParam("timeline"));
                    m.put("size", r.query("size"));
                    return ApiResponse.json(m);
                })
                .post("/v1/tenants/{tenant}/timelines/{timeline}", r -> {
                    JsonNode body = r.json();
                    return ApiResponse.json(201, Map.of("got", body == null ? "nothing" : body.get("x").asText()));
                })
                .get("/v1/tenants/{tenant}/timelines/{timeline}/basebackup", r -> ApiResponse.text(200, "text/plain", "tar"))
                .put("/v1/things/{name}", r -> ApiResponse.json(r.json(Thing.class)))
                .get("/v1/refuse", r -> {
                    throw new ApiError(409, "conflict", "already there");
                })
                .get("/v1/gone", r -> {
                    throw new Gone("it went");
                })
                .get("/v1/boom", r -> {
                    throw new IllegalStateException("unexpected");
                });
    }

    public record Thing(String name, int size) {
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void pathAndQueryParametersReachTheHandler() throws Exception {
        URI base = start(sample());
        HttpResponse<String> r = send(base, "GET", "/v1/tenants/ab12/timelines/cd34?size=false", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(r.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(json(r).get("tenant").asText()).isEqualTo("ab12");
        assertThat(json(r).get("timeline").asText()).isEqualTo("cd34");
        assertThat(json(r).get("size").asText()).isEqualTo("false");
        // a trailing slash is the same path; a longer template is another route
        assertThat(send(base, "GET", "/v1/tenants/ab12/timelines/cd34/", null).statusCode()).isEqualTo(200);
        assertThat(send(base, "GET", "/v1/tenants/ab12/timelines/cd34/basebackup", null).body()).isEqualTo("tar");
    }

    @Test
    void anUnknownPathIs404AndAWrongMethod405WithAllow() throws Exception {
        URI base = start(sample());
        HttpResponse<String> missing = send(base, "GET", "/v1/tenants/ab12", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").asText()).isEqualTo("not_found");
        assertThat(json(missing).get("message").asText()).isEqualTo("no such API path: GET /v1/tenants/ab12");
        assertThat(send(base, "GET", "/v1/tenants//timelines/x", null).statusCode()).isEqualTo(404);

        HttpResponse<String> wrong = send(base, "DELETE", "/v1/tenants/ab12/timelines/cd34", null);
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(json(wrong).get("error").asText()).isEqualTo("method_not_allowed");
        assertThat(json(wrong).get("message").asText()).isEqualTo("DELETE is not allowed on /v1/tenants/ab12/timelines/cd34");
        assertThat(send(base, "POST", "/metrics", null).statusCode()).isEqualTo(405);
    }

    @Test
    void refusalsAndClassifiedExceptionsAreJsonErrors() throws Exception {
        URI base = start(sample());
        HttpResponse<String> refused = send(base, "GET", "/v1/refuse", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).isEqualTo("{\"error\":\"conflict\",\"message\":\"already there\"}");
        HttpResponse<String> gone = send(base, "GET", "/v1/gone", null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(json(gone).get("error").asText()).isEqualTo("gone");
        HttpResponse<String> boom = send(base, "GET", "/v1/boom", null);
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(json(boom).get("error").asText()).isEqualTo("internal");
        assertThat(json(boom).get("message").asText()).isEqualTo("unexpected");
        // the JSON client turns them into ApiExceptions
        JsonHttpClient client = new JsonHttpClient(base, "test");
        assertThatThrownBy(() -> client.call("GET", "/v1/gone", null, Map.class, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.code()).isEqualTo("gone");
                });
    }

    @Test
    void requestBodiesAreJsonAndMalformedOnesA400() throws Exception {
        URI base = start(sample());
        assertThat(send(base, "POST", "/v1/tenants/a/timelines/b", "{\"x\": \"y\"}").body()).isEqualTo("{\"got\":\"y\"}");
        HttpResponse<String> none = send(base, "POST", "/v1/tenants/a/timelines/b", null);
        assertThat(none.statusCode()).isEqualTo(201);
        assertThat(none.body()).isEqualTo("{\"got\":\"nothing\"}");

        HttpResponse<String> malformed = send(base, "POST", "/v1/tenants/a/timelines/b", "{\"x\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").asText()).isEqualTo("bad_request");
        assertThat(json(malformed).get("message").asText()).startsWith("request body must be JSON: ");

        assertThat(new JsonHttpClient(base, "test").call("PUT", "/v1/things/t", new Thing("t", 3), Thing.class,
                Duration.ofSeconds(5))).isEqualTo(new Thing("t", 3));
        HttpResponse<String> misfit = send(base, "PUT", "/v1/things/t", "{\"name\": \"t\", \"colour\": 1}");
        assertThat(misfit.statusCode()).isEqualTo(400);
        assertThat(json(misfit).get("message").asText()).startsWith("request body does not fit: ").contains("colour");
        HttpResponse<String> missing = send(base, "PUT", "/v1/things/t", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).get("message").asText()).contains("got none");
    }

    @Test
    void anOversizedRequestBodyIsRefused() throws Exception {
        server = HttpApiServer.builder(ANY).routes(sample()).maxRequestBytes(1024).start();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        HttpResponse<String> r = send(base, "POST", "/v1/tenants/a/timelines/b", "{\"x\": \"" + "y".repeat(4096) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        try (HttpApiServer metrics = HttpApiServer.metricsOnly(ANY, () -> "# TYPE up gauge\nup 1\n")) {
            URI base = URI.create("http://127.0.0.1:" + metrics.port());
            HttpResponse<String> r = send(base, "GET", "/metrics", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).isEqualTo("# TYPE up gauge\nup 1\n");
            assertThat(send(base, "GET", "/v1/timelines", null).statusCode()).isEqualTo(404);
        }
        URI base = start(sample());
        assertThat(send(base, "GET", "/metrics", null).body()).isEqualTo("cairn_test_total 3\n");
    }

    @Test
    void oneConnectionServesRequestsOneAfterTheOther() throws Exception {
        start(sample());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            // two pipelined requests, then a third after the answers: all on one connection, answered in order
            out.write(("GET /v1/refuse HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/tenants/a/timelines/b HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 409").contains("already there");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("\"tenant\":\"a\"");
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String last = readResponse(in);
            assertThat(last).startsWith("HTTP/1.1 200").contains("cairn_test_total 3").containsIgnoringCase("connection: close");
            assertThat(in.read()).isEqualTo(-1); // closed after the answer, as asked
        }
    }

    /** Reads one response with a Content-Length: status line, headers and body. */
    private static String readResponse(BufferedReader in) throws IOException {
        StringBuilder s = new StringBuilder();
        long length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            s.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        char[] body = new char[(int) length];
        int n = 0;
        while (n < length) {
            int r = in.read(body, n, body.length - n);
            if (r < 0) {
                throw new IOException("body cut short");
            }
            n += r;
        }
        return s.append('\n').append(body).toString();
    }
}
