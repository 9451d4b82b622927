package dev.cairn.pageserver.api;


import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.httpapi.ApiException;
import dev.cairn.httpapi.JsonHttpClient;
import dev.cairn.httpapi.Json;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Client of the pageserver's HTTP API (see {@link PageserverHttpApi}); refusals are {@link ApiException}s. */
public final class PageserverClient {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a basebackup may go without a byte once the pageserver has the LSN. */
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

    private final JsonHttpClient http;

    public PageserverClient(URI base) {
        this.http = new JsonHttpClient(base, "pageserver");
    }

    public URI base() {
        return http.base();
    }

    /** Creates a timeline from a fresh initdb. */
    public TimelineInfo createTimeline(TimelineKey key) {
        return TimelineInfo.fromJson(json("POST", timelinePath(key)));
    }

    /**
     * Creates a timeline from a copy of an existing cluster's data directory on the pageserver's machine
     * ({@code pg_basebackup -X stream} output, or a stopped cluster).
     */
    public TimelineInfo importTimeline(TimelineKey key, java.nio.file.Path dataDirectory) {
        return TimelineInfo.fromJson(Json.MAPPER.convertValue(http.call("POST", timelinePath(key),
                Map.of("import_from", dataDirectory.toAbsolutePath().toString()), Map.class, IMPORT_TIMEOUT),
                new TypeReference<Map<String, Object>>() {
                }));
    }

    /**
     * Creates {@code key} as a branch of timeline {@code source} of the same tenant at {@code at} (null: the
     * end of its ingested WAL); the pageserver copies the source's data there.
     */
    public TimelineInfo branchTimeline(TimelineKey key, dev.cairn.common.Id128 source, Lsn at) {
        Map<String, String> body = at == null ? Map.of("branch_from", source.toString())
                : Map.of("branch_from", source.toString(), "at", at.toString());
        return TimelineInfo.fromJson(Json.MAPPER.convertValue(http.call("POST", timelinePath(key),
                body, Map.class, IMPORT_TIMEOUT), new TypeReference<Map<String, Object>>() {
        }));
    }

    public TimelineInfo timeline(TimelineKey key) {
        return TimelineInfo.fromJson(json("GET", timelinePath(key)));
    }

    /** The timeline's ingest state and LSNs without its logical size (cheap enough to poll often). */
    public TimelineInfo progress(TimelineKey key) {
        return TimelineInfo.fromJson(json("GET", timelinePath(key) + "?size=false"));
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
        return basebackup(key, lsn, wait, (header, length, body) -> body.transferTo(tar));
    }

    /** Receives a basebackup: what the response announced, and its tar body of exactly {@code length} bytes. */
    @FunctionalInterface
    public interface BasebackupReader {
        void read(BasebackupHeader header, long length, InputStream tar) throws IOException;
    }

    /**
     * Fetches the basebackup tar at {@code lsn} (null: the latest), waiting up to {@code wait} for ingest to
     * reach it, and hands its body to {@code reader}. A body cut short, or longer than announced, fails.
     * Read with blocking socket reads: a gigabyte through the JDK's asynchronous client costs seconds of
     * selector hand-offs per 16 KiB buffer.
     */
    public BasebackupHeader basebackup(TimelineKey key, Lsn lsn, Duration wait, BasebackupReader reader) {
        String query = "?wait_ms=" + wait.toMillis() + (lsn == null ? "" : "&lsn=" + lsn);
        URI uri = base().resolve(timelinePath(key) + "/basebackup" + query);
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY); // as the JSON client: never through a proxy
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) wait.plus(STALL_TIMEOUT).toMillis());
            int status;
            try {
                status = c.getResponseCode();
            } catch (IOException e) {
                throw new UncheckedIOException("pageserver " + base() + " unreachable: " + e, e);
            }
            if (status != 200) {
                InputStream error = c.getErrorStream();
                throw JsonHttpClient.refusal(status, error == null ? new byte[0] : error.readAllBytes());
            }
            BasebackupHeader header = new BasebackupHeader(header(c, BasebackupHeader.DATA_LSN),
                    header(c, BasebackupHeader.START_LSN), header(c, BasebackupHeader.PREV_RECORD_LSN));
            long length = c.getContentLengthLong();
            if (length < 0) {
                throw new ApiException(status, "protocol", "basebackup response declares no length");
            }
            long[] seen = {0};
            try (InputStream body = new FilterInputStream(c.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    seen[0] += b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    seen[0] += Math.max(n, 0);
                    return n;
                }
            }) {
                reader.read(header, length, body);
                body.transferTo(OutputStream.nullOutputStream());
            }
            if (seen[0] != length) {
                throw new IOException("got " + seen[0] + " of the " + length + " bytes announced");
            }
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException("basebackup of " + key + " from " + base() + " broke off: " + e.getMessage(), e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    public String metrics() {
        HttpResponse<byte[]> r = http.send(http.request("GET", "/metrics", null, TIMEOUT), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw JsonHttpClient.refusal(r.statusCode(), r.body());
        }
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Lsn header(HttpURLConnection c, String name) {
        String value = c.getHeaderField(name);
        if (value == null) {
            throw new ApiException(200, "protocol", "basebackup response lacks " + name);
        }
        return Lsn.parse(value);
    }

    /** An import copies and recovers a whole cluster first; a branch copies one. */
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(30);

    private Map<String, Object> json(String method, String path) {
        return Json.MAPPER.convertValue(http.call(method, path, null, Map.class, TIMEOUT),
                new TypeReference<Map<String, Object>>() {
                });
    }

    private static String timelinePath(TimelineKey key) {
        return "/v1/tenants/" + key.tenant() + "/timelines/" + key.timeline();
    }
}
