package dev.cairn.pageserver.api;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.httpapi.ApiException;
import dev.cairn.httpapi.JsonHttpClient;
import dev.cairn.httpapi.JsonHttpServer;
import dev.cairn.pgformat.Lsn;
import dev.cairn.safekeeper.TimelineKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Client of the pageserver's HTTP API (see {@link PageserverHttpApi}); refusals are {@link ApiException}s. */
public final class PageserverClient {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final JsonHttpClient http;

    public PageserverClient(URI base) {
        this.http = new JsonHttpClient(base, "pageserver");
    }

    public URI base() {
        return http.base();
    }

    /** Creates a timeline from a fresh initdb. */
    public TimelineInfo createTimeline(TimelineKey key) {
        return TimelineInfo.fromJson(json("POST", PageserverHttpApi.timelinePath(key)));
    }

    /**
     * Creates a timeline from a copy of an existing cluster's data directory on the pageserver's machine
     * ({@code pg_basebackup -X stream} output, or a stopped cluster).
     */
    public TimelineInfo importTimeline(TimelineKey key, java.nio.file.Path dataDirectory) {
        return TimelineInfo.fromJson(JsonHttpServer.JSON.convertValue(http.call("POST", PageserverHttpApi.timelinePath(key),
                Map.of("import_from", dataDirectory.toAbsolutePath().toString()), Map.class, IMPORT_TIMEOUT),
                new TypeReference<Map<String, Object>>() {
                }));
    }

    public TimelineInfo timeline(TimelineKey key) {
        return TimelineInfo.fromJson(json("GET", PageserverHttpApi.timelinePath(key)));
    }

    @SuppressWarnings("unchecked")
    public List<TimelineInfo> timelines() {
        return ((List<Map<String, Object>>) json("GET", "/v1/timelines").get("timelines")).stream()
                .map(TimelineInfo::fromJson).toList();
    }

    /**
     * Streams the basebackup tar at {@code lsn} (null: the latest) into {@code tar}, waiting up to
     * {@code wait} for ingest to reach it.
     */
    public BasebackupHeader basebackup(TimelineKey key, Lsn lsn, Duration wait, OutputStream tar) {
        String query = "?wait_ms=" + wait.toMillis() + (lsn == null ? "" : "&lsn=" + lsn);
        HttpRequest request = http.request("GET", PageserverHttpApi.timelinePath(key) + "/basebackup" + query, null,
                wait.plus(Duration.ofMinutes(10)));
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw JsonHttpClient.refusal(response.statusCode(), body.readAllBytes());
            }
            BasebackupHeader header = new BasebackupHeader(header(response, BasebackupHeader.DATA_LSN),
                    header(response, BasebackupHeader.START_LSN), header(response, BasebackupHeader.PREV_RECORD_LSN));
            body.transferTo(tar);
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException("basebackup of " + key + " from " + base() + " broke off: " + e.getMessage(), e);
        }
    }

    public String metrics() {
        HttpResponse<byte[]> r = http.send(http.request("GET", "/metrics", null, TIMEOUT), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw JsonHttpClient.refusal(r.statusCode(), r.body());
        }
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Lsn header(HttpResponse<?> r, String name) {
        return Lsn.parse(r.headers().firstValue(name).orElseThrow(() ->
                new ApiException(r.statusCode(), "protocol", "basebackup response lacks " + name)));
    }

    /** An import copies and recovers a whole cluster first. */
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(30);

    private Map<String, Object> json(String method, String path) {
        return JsonHttpServer.JSON.convertValue(http.call(method, path, null, Map.class, TIMEOUT),
                new TypeReference<Map<String, Object>>() {
                });
    }
}
