package dev.cairn.pageserver.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.pgformat.Lsn;
import dev.cairn.safekeeper.TimelineKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Client of the pageserver's HTTP API (see {@link PageserverHttpApi}). */
public final class PageserverClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final URI base;
    private final HttpClient http;

    public PageserverClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI base() {
        return base;
    }

    /** Creates a timeline from a fresh initdb. */
    public TimelineInfo createTimeline(TimelineKey key) {
        return TimelineInfo.fromJson(json(HttpRequest.newBuilder(uri(PageserverHttpApi.timelinePath(key)))
                .POST(HttpRequest.BodyPublishers.noBody()).build()));
    }

    public TimelineInfo timeline(TimelineKey key) {
        return TimelineInfo.fromJson(json(HttpRequest.newBuilder(uri(PageserverHttpApi.timelinePath(key))).GET().build()));
    }

    @SuppressWarnings("unchecked")
    public List<TimelineInfo> timelines() {
        Map<String, Object> body = json(HttpRequest.newBuilder(uri("/v1/timelines")).GET().build());
        return ((List<Map<String, Object>>) body.get("timelines")).stream().map(TimelineInfo::fromJson).toList();
    }

    /**
     * Streams the basebackup tar at {@code lsn} (null: the latest) into {@code tar}, waiting up to
     * {@code wait} for ingest to reach it.
     */
    public BasebackupHeader basebackup(TimelineKey key, Lsn lsn, Duration wait, OutputStream tar) {
        String query = "?wait_ms=" + wait.toMillis() + (lsn == null ? "" : "&lsn=" + lsn);
        HttpRequest request = HttpRequest.newBuilder(uri(PageserverHttpApi.timelinePath(key) + "/basebackup" + query))
                .timeout(wait.plus(Duration.ofMinutes(10))).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), body.readAllBytes());
            }
            BasebackupHeader header = new BasebackupHeader(header(response, BasebackupHeader.DATA_LSN),
                    header(response, BasebackupHeader.START_LSN), header(response, BasebackupHeader.PREV_RECORD_LSN));
            body.transferTo(tar);
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException("basebackup of " + key + " from " + base + " broke off: " + e.getMessage(), e);
        }
    }

    public String metrics() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw refusal(r.statusCode(), r.body().getBytes());
        }
        return r.body();
    }

    private static Lsn header(HttpResponse<?> r, String name) {
        return Lsn.parse(r.headers().firstValue(name).orElseThrow(() ->
                new PageserverApiException(r.statusCode(), "protocol", "basebackup response lacks " + name)));
    }

    private Map<String, Object> json(HttpRequest request) {
        HttpResponse<byte[]> r = send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) {
            throw refusal(r.statusCode(), r.body());
        }
        try {
            return JSON.readValue(r.body(), MAP);
        } catch (IOException e) {
            throw new PageserverApiException(r.statusCode(), "protocol", "unreadable response from " + base + ": " + e.getMessage());
        }
    }

    private static PageserverApiException refusal(int status, byte[] body) {
        try {
            Map<String, Object> m = JSON.readValue(body, MAP);
            return new PageserverApiException(status, String.valueOf(m.get("error")), String.valueOf(m.get("message")));
        } catch (IOException e) {
            return new PageserverApiException(status, "http", new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("pageserver " + base + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to pageserver " + base, e);
        }
    }

    private URI uri(String path) {
        return base.resolve(path);
    }
}
