package dev.cairn.pageserver.service;

import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestException;
import dev.cairn.pageserver.ingest.IngestPausedException;
import dev.cairn.pageserver.ingest.SafekeeperWalSource;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.api.Ancestry;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.PageStoreException;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** One timeline being served: its ingest, its read path and the WAL source feeding it. */
public final class ServedTimeline implements AutoCloseable {
    private final TimelineKey key;
    private final Ingest ingest;
    private final Timeline timeline;
    private final PageService pages;
    private final SafekeeperWalSource source;
    private final Ancestry ancestry;

    ServedTimeline(TimelineKey key, Ingest ingest, Timeline timeline, PageService pages, SafekeeperWalSource source,
                   Ancestry ancestry) {
        this.key = key;
        this.ingest = ingest;
        this.timeline = timeline;
        this.pages = pages;
        this.source = source;
        this.ancestry = ancestry;
    }

    public TimelineKey key() {
        return key;
    }

    public PageService pages() {
        return pages;
    }

    public Ingest ingest() {
        return ingest;
    }

    public TimelineInfo info() {
        return info(true);
    }

    /**
     * @param withSize whether to add the logical size, which reads every relation's size: computes poll the
     *                 rest several times a second to hold back commits while ingest lags
     */
    public TimelineInfo info(boolean withSize) {
        IngestPosition pos = ingest.position();
        IngestException failure = ingest.failure();
        IngestPausedException paused = ingest.paused();
        String state = failure != null ? TimelineInfo.FAILED : paused != null ? "paused" : "active";
        String error = failure != null ? failure.getMessage() : paused != null ? paused.getMessage() : null;
        Lsn durable = source == null ? pos.end() : source.durableLsn();
        Lsn commit = commitLsn(pos);
        return new TimelineInfo(key, pos.importLsn(), pos.end(), pos.lastRecord(), durable, commit,
                timeline.gcHorizon(), state, error, failure != null ? failure.lsn() : Lsn.INVALID,
                source == null ? null : source.currentSource(), withSize ? logicalSize(pos.end()) : null, ancestry);
    }

    /** The newest commit LSN the WAL source reported; without one, the end of the ingested WAL. */
    public Lsn commitLsn() {
        return commitLsn(ingest.position());
    }

    private Lsn commitLsn(IngestPosition pos) {
        return source == null ? pos.end() : source.commitLsn();
    }

    /** Null when the relation sizes cannot be read (a revoked tenant): the rest of the status still answers. */
    private Long logicalSize(Lsn at) {
        try {
            return timeline.logicalSize(at);
        } catch (PageStoreException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
    }
}
