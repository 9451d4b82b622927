package dev.cairn.httpapi;


import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Calls a Cairn admin API (served by http-server's HttpApiServer): JSON in and out, refusals as {@link ApiException}. */
public final class JsonHttpClient {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final URI base;
    private final String service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param service what it is, for messages ("pageserver", "compute manager") */
    public JsonHttpClient(URI base, String service) {
        this.base = base;
        this.service = service;
    }

    public URI base() {
        return base;
    }

    /** Sends {@code body} (null: none) and reads the JSON answer as {@code type}. */
    public <T> T call(String method, String path, Object body, Class<T> type, Duration timeout) {
        HttpResponse<byte[]> r = send(request(method, path, body, timeout), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) {
            throw refusal(r.statusCode(), r.body());
        }
        try {
            return Json.MAPPER.readValue(r.body(), type);
        } catch (IOException e) {
            throw new ApiException(r.statusCode(), "protocol", "unreadable answer from " + service + " " + base + ": " + e.getMessage());
        }
    }

    public HttpRequest request(String method, String path, Object body, Duration timeout) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body));
            return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Content-Type", "application/json").method(method, publisher).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(service + " " + base + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to " + service + " " + base, e);
        }
    }

    /** The refusal a non-2xx answer carries ({@code {"error", "message"}}, or its raw text). */
    public static ApiException refusal(int status, byte[] body) {
        try {
            Map<String, Object> m = Json.MAPPER.readValue(body, MAP);
            return new ApiException(status, String.valueOf(m.get("error")), String.valueOf(m.get("message")));
        } catch (IOException e) {
            return new ApiException(status, "http", new String(body, StandardCharsets.UTF_8));
        }
    }
}
