package dev.cairn.pageserver.http;

import dev.cairn.pageserver.api.BasebackupHeader;
import dev.cairn.pageserver.api.TimelineInfo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.pageserver.PageserverException;
import dev.cairn.pageserver.branch.BranchException;
import dev.cairn.pageserver.importer.ImportException;
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
import dev.cairn.httpserver.ApiRequest;
import dev.cairn.httpserver.ApiResponse;
import dev.cairn.httpserver.ErrorTable;
import dev.cairn.httpserver.HttpApiServer;
import dev.cairn.httpserver.Routes;
import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.io.IOException;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pageserver's HTTP API: timeline create (initdb, import or branch)/status/list, basebackup tar at an LSN (streamed), and
 * Prometheus metrics. Errors are JSON {@code {"error": code, "message": text}} with a fitting status.
 */
public final class PageserverHttpApi implements AutoCloseable {
    private static final String TIMELINE = "/v1/tenants/{tenant}/timelines/{timeline}";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final PageserverNode node;
    private HttpApiServer server;

    private PageserverHttpApi(PageserverNode node) {
        this.node = node;
    }

    public static PageserverHttpApi start(PageserverNode node, InetSocketAddress address) throws IOException {
        PageserverHttpApi api = new PageserverHttpApi(node);
        api.server = HttpApiServer.builder(address).name("pageserver-http").routes(api.routes())
                .errors(ERRORS)
                .metrics(() -> node.metrics().scrape())
                .start();
        return api;
    }

    public int port() {
        return server.port();
    }

    private Routes routes() {
        return new Routes()
                .get("/v1/timelines", r -> ApiResponse.json(Map.of("timelines", node.list().stream().map(TimelineInfo::toJson).toList())))
                .post(TIMELINE, r -> ApiResponse.json(201, create(key(r), r.json()).toJson()))
                .get(TIMELINE, r -> ApiResponse.json(node.timeline(key(r)).info(!"false".equals(r.query("size"))).toJson()))
                .get(TIMELINE + "/basebackup", this::basebackup);
    }

    private static TimelineKey key(ApiRequest r) {
        return new TimelineKey(id(r.pathParam("tenant"), "tenant"), id(r.pathParam("timeline"), "timeline"));
    }

    /**
     * Creates from the optional body: {@code {"import_from": "/path/to/datadir"}} (a data directory on the
     * pageserver's machine), {@code {"branch_from": "<timeline id>", "at": "0/3000028"}} (a timeline of the same
     * tenant at an LSN; without "at", at the end of its ingested WAL), or neither (a fresh initdb).
     */
    private TimelineInfo create(TimelineKey key, JsonNode body) {
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

    private static String text(JsonNode json, String field) {
        JsonNode v = json == null ? null : json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * The tar streams with a declared length (the client tells a body cut short from a complete one); the
     * lease on the LSN is taken before the headers, so a timeout or an LSN outside retention is a JSON refusal,
     * and is held until the producer returns.
     */
    private ApiResponse basebackup(ApiRequest r) {
        ServedTimeline tl = node.timeline(key(r));
        Lsn lsn = r.query("lsn") != null ? lsnParam(r.query("lsn")) : tl.ingest().position().end();
        Duration wait = r.query("wait_ms") != null ? Duration.ofMillis(longParam(r.query("wait_ms"), "wait_ms")) : DEFAULT_WAIT;
        long started = System.nanoTime();
        PageService.LeasedBasebackup bb = tl.pages().openBasebackup(lsn, wait);
        try {
            Basebackup.Plan plan = bb.prepared().plan();
            return ApiResponse.stream("application/x-tar", bb.prepared().size(), out -> {
                        try (bb) {
                            Basebackup.Result result = bb.prepared().writeTo(out);
                            node.metrics().basebackups.increment();
                            node.metrics().basebackupBytes.increment(result.bytes());
                            node.metrics().basebackupDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        }
                    })
                    .withHeader(BasebackupHeader.DATA_LSN, plan.dataLsn().toString())
                    .withHeader(BasebackupHeader.START_LSN, plan.startLsn().toString())
                    .withHeader(BasebackupHeader.PREV_RECORD_LSN, plan.prevRecordLsn().toString());
        } catch (RuntimeException e) {
            bb.close();
            throw e;
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

    /** The pageserver's refusals, subtypes before their supertypes. */
    private static final ErrorTable ERRORS = new ErrorTable()
            .map(UnknownTimelineException.class, 404, "unknown_timeline")
            .map(TimelineExistsException.class, 409, "timeline_exists")
            .map(LsnOutsideRetentionException.class, 410, "outside_retention")
            .map(LsnTimeoutException.class, 504, "ingest_timeout")
            .map(IngestException.class, 503, "ingest_failed")
            .causedBy(KeyRevokedException.class, 403, "tenant_keys_revoked")
            .map(PageStoreException.class, 503, "storage_unavailable")
            .map(ValueKeyUnavailableException.class, 503, "storage_unavailable")
            .map(TimelineStateException.class, 400, "lsn_out_of_range")
            .map(ImportException.class, 422, "import_failed")
            .map(BranchException.class, 500, "branch_failed")
            .map(PageserverException.class, 500, "pageserver_error");

    @Override
    public void close() {
        server.close();
    }
}
