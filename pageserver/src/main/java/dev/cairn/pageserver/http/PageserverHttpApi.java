package dev.cairn.pageserver.http;

import dev.cairn.pageserver.api.BasebackupHeader;
import dev.cairn.pageserver.api.TimelineInfo;

import com.sun.net.httpserver.HttpExchange;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.pageserver.PageserverException;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.crypto.ValueKeyUnavailableException;
import dev.cairn.pageserver.ingest.IngestException;
import dev.cairn.pageserver.read.LsnOutsideRetentionException;
import dev.cairn.pageserver.read.LsnTimeoutException;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.pageserver.service.ServedTimeline;
import dev.cairn.pageserver.service.TimelineExistsException;
import dev.cairn.pageserver.service.UnknownTimelineException;
import dev.cairn.pageserver.store.PageStoreException;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.httpapi.ApiError;
import dev.cairn.httpapi.JsonHttpServer;
import dev.cairn.httpapi.metrics.ServiceMetrics;
import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.io.IOException;
import java.nio.file.Path;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pageserver's HTTP API: timeline create (initdb, import or branch)/status/list, basebackup tar at an LSN (streamed), and
 * Prometheus metrics. Errors are JSON {@code {"error": code, "message": text}} with a fitting status.
 */
public final class PageserverHttpApi implements AutoCloseable {
    private static final Pattern TIMELINE = Pattern.compile("^/v1/tenants/([^/]+)/timelines/([^/]+)(/basebackup)?/?$");
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final PageserverNode node;
    private JsonHttpServer server;

    private PageserverHttpApi(PageserverNode node) {
        this.node = node;
    }

    public static PageserverHttpApi start(PageserverNode node, InetSocketAddress address) throws IOException {
        PageserverHttpApi api = new PageserverHttpApi(node);
        api.server = JsonHttpServer.start(address, api::handle, PageserverHttpApi::classify);
        return api;
    }

    public int port() {
        return server.port();
    }

    private void handle(HttpExchange ex, String method, String path) throws Exception {
        if (path.equals("/metrics") && method.equals("GET")) {
            JsonHttpServer.send(ex, 200, ServiceMetrics.CONTENT_TYPE, node.metrics().scrape().getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/v1/timelines") && method.equals("GET")) {
            JsonHttpServer.sendJson(ex, 200, Map.of("timelines", node.list().stream().map(TimelineInfo::toJson).toList()));
        } else {
            Matcher m = TIMELINE.matcher(path);
            if (!m.matches()) {
                throw new ApiError(404, "not_found", "no such API path: " + method + " " + path);
            }
            TimelineKey key = new TimelineKey(id(m.group(1), "tenant"), id(m.group(2), "timeline"));
            if (m.group(3) != null) {
                JsonHttpServer.requireMethod(method, "GET", path);
                basebackup(ex, key);
            } else if (method.equals("POST")) {
                JsonHttpServer.sendJson(ex, 201, create(key, createBody(ex)).toJson());
            } else {
                JsonHttpServer.requireMethod(method, "GET", path);
                boolean withSize = !"false".equals(query(ex.getRequestURI().getRawQuery()).get("size"));
                JsonHttpServer.sendJson(ex, 200, node.timeline(key).info(withSize).toJson());
            }
        }
    }

    /**
     * Creates from the optional body: {@code {"import_from": "/path/to/datadir"}} (a data directory on the
     * pageserver's machine), {@code {"branch_from": "<timeline id>", "at": "0/3000028"}} (a timeline of the same
     * tenant at an LSN; without "at", at the end of its ingested WAL), or neither (a fresh initdb).
     */
    private TimelineInfo create(TimelineKey key, com.fasterxml.jackson.databind.JsonNode body) {
        String importFrom = text(body, "import_from");
        String branchFrom = text(body, "branch_from");
        String at = text(body, "at");
        if (importFrom != null && branchFrom != null) {
            throw new ApiError(400, "bad_request", "give import_from or branch_from, not both");
        }
        if (at != null && branchFrom == null) {
            throw new ApiError(400, "bad_request", "at is the LSN of a branch: it needs branch_from");
        }
        if (branchFrom != null) {
            return node.branch(key, id(branchFrom, "branch_from timeline"), at == null ? null : lsnParam(at, "at"));
        }
        if (importFrom == null) {
            return node.create(key, null);
        }
        Path p = Path.of(importFrom);
        if (!p.isAbsolute() || !java.nio.file.Files.isDirectory(p)) {
            throw new ApiError(400, "bad_request", "import_from must be an absolute path to a data directory on the "
                    + "pageserver's machine, got '" + importFrom + "'");
        }
        return node.create(key, p);
    }

    /** The request body as JSON, or null when there is none. */
    private static com.fasterxml.jackson.databind.JsonNode createBody(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (body.length == 0) {
            return null;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new ApiError(400, "bad_request", "request body must be JSON: " + e.getMessage());
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode json, String field) {
        com.fasterxml.jackson.databind.JsonNode v = json == null ? null : json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void basebackup(HttpExchange ex, TimelineKey key) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        long started = System.nanoTime();
        ServedTimeline tl = node.timeline(key);
        Lsn lsn = query.containsKey("lsn") ? lsnParam(query.get("lsn")) : tl.ingest().position().end();
        Duration wait = query.containsKey("wait_ms") ? Duration.ofMillis(longParam(query.get("wait_ms"), "wait_ms")) : DEFAULT_WAIT;
        try (PageService.LeasedBasebackup bb = tl.pages().openBasebackup(lsn, wait)) {
            Basebackup.Plan plan = bb.prepared().plan();
            ex.getResponseHeaders().set("Content-Type", "application/x-tar");
            ex.getResponseHeaders().set(BasebackupHeader.DATA_LSN, plan.dataLsn().toString());
            ex.getResponseHeaders().set(BasebackupHeader.START_LSN, plan.startLsn().toString());
            ex.getResponseHeaders().set(BasebackupHeader.PREV_RECORD_LSN, plan.prevRecordLsn().toString());
            // a declared length, not chunks: the JDK server writes chunked bodies 4 KiB per system call, and
            // the client can tell a stream cut short from a complete one
            ex.sendResponseHeaders(200, bb.prepared().size());
            // pages are read on this thread while another writes the socket
            try (OutputStream out = new HandOffOutputStream(ex.getResponseBody(), 1 << 18, 8, "basebackup-send-" + key.timeline())) {
                Basebackup.Result r = bb.prepared().writeTo(out);
                node.metrics().basebackups.increment();
                node.metrics().basebackupBytes.increment(r.bytes());
                node.metrics().basebackupDuration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }

    private static Id128 id(String text, String what) {
        try {
            return Id128.parse(text);
        } catch (RuntimeException e) {
            throw new ApiError(400, "bad_request", what + " id must be 32 hex digits, got '" + text + "'");
        }
    }

    private static Lsn lsnParam(String text) {
        return lsnParam(text, "lsn");
    }

    private static Lsn lsnParam(String text, String name) {
        try {
            return Lsn.parse(text);
        } catch (RuntimeException e) {
            throw new ApiError(400, "bad_request", name + " must look like 0/16B3748, got '" + text + "'");
        }
    }

    private static long longParam(String text, String name) {
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "bad_request", name + " must be a non-negative integer, got '" + text + "'");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            q.put(k, eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static ApiError classify(Throwable e) {
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        if (e instanceof UnknownTimelineException) {
            return new ApiError(404, "unknown_timeline", msg);
        }
        if (e instanceof TimelineExistsException) {
            return new ApiError(409, "timeline_exists", msg);
        }
        if (e instanceof LsnOutsideRetentionException) {
            return new ApiError(410, "outside_retention", msg);
        }
        if (e instanceof LsnTimeoutException) {
            return new ApiError(504, "ingest_timeout", msg);
        }
        if (e instanceof IngestException) {
            return new ApiError(503, "ingest_failed", msg);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof KeyRevokedException) {
                return new ApiError(403, "tenant_keys_revoked", c.getMessage());
            }
        }
        if (e instanceof PageStoreException || e instanceof ValueKeyUnavailableException) {
            return new ApiError(503, "storage_unavailable", msg);
        }
        if (e instanceof TimelineStateException) {
            return new ApiError(400, "lsn_out_of_range", msg);
        }
        if (e instanceof dev.cairn.pageserver.importer.ImportException) {
            return new ApiError(422, "import_failed", msg);
        }
        if (e instanceof dev.cairn.pageserver.branch.BranchException) {
            return new ApiError(500, "branch_failed", msg);
        }
        if (e instanceof PageserverException) {
            return new ApiError(500, "pageserver_error", msg);
        }
        return new ApiError(500, "internal", msg);
    }

    @Override
    public void close() {
        server.close();
    }
}
