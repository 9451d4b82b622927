package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a JSON body, a byte body of a given content type, or a body streamed by a blocking
 * producer. The first two go out with a Content-Length; a streamed body with its declared length, or chunked
 * when the length is not known up front. Extra headers via {@link #withHeader}.
 */
public sealed interface ApiResponse {
    /** Content type of the Prometheus text exposition format. */
    String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    int status();

    Map<String, String> headers();

    /** A copy with one more header. */
    ApiResponse withHeader(String name, String value);

    /** Writes a streamed body; runs on a virtual thread and may block (the stream blocks while the client is slow). */
    @FunctionalInterface
    interface BodyProducer {
        /**
         * Writes the whole body to {@code out} and returns; the server then ends the response. A throw, or a
         * body shorter or longer than declared, cuts the response short (the connection is closed without
         * ending the body), so the client never sees a complete-looking body. Called exactly once per
         * response, even if the client is gone already (writes then fail), so it can release what it holds.
         */
        void writeTo(OutputStream out) throws Exception;
    }

    static ApiResponse json(Object body) {
        return json(200, body);
    }

    static ApiResponse json(int status, Object body) {
        return new JsonBody(status, body, Map.of());
    }

    static ApiResponse text(int status, String contentType, String text) {
        return bytes(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse bytes(int status, String contentType, byte[] body) {
        return new Bytes(status, contentType, body, Map.of());
    }

    /** A streamed 200; {@code length} &lt; 0: unknown, sent chunked. */
    static ApiResponse stream(String contentType, long length, BodyProducer producer) {
        return new Streamed(200, contentType, length, producer, Map.of());
    }

    /** The JSON refusal {@code {"error": code, "message": text}} with the error's status. */
    static ApiResponse error(ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        return json(e.status(), body);
    }

    record JsonBody(int status, Object body, Map<String, String> headers) implements ApiResponse {
        @Override
        public JsonBody withHeader(String name, String value) {
            return new JsonBody(status, body, plus(headers, name, value));
        }
    }

    record Bytes(int status, String contentType, byte[] body, Map<String, String> headers) implements ApiResponse {
        @Override
        public Bytes withHeader(String name, String value) {
            return new Bytes(status, contentType, body, plus(headers, name, value));
        }
    }

    record Streamed(int status, String contentType, long length, BodyProducer producer, Map<String, String> headers)
            implements ApiResponse {
        @Override
        public Streamed withHeader(String name, String value) {
            return new Streamed(status, contentType, length, producer, plus(headers, name, value));
        }
    }

    private static Map<String, String> plus(Map<String, String> headers, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(headers);
        m.put(name, value);
        return m;
    }
}
