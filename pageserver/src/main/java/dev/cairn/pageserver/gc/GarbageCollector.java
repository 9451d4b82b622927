package dev.cairn.pageserver.gc;

import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.KeyKind;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;

/**
 * Drops versions older than the retention window: for every page, relation,
 * SLRU page and metadata entry of a timeline, each version superseded by a
 * newer one at or below the horizon goes; the newest version at or below it
 * stays, so reads at any LSN from the horizon on are unchanged. Reads below the
 * horizon are refused from then on (see {@link Timeline#gcHorizon()}).
 */
public final class GarbageCollector {
    private final PageStore store;

    public GarbageCollector(PageStore store) {
        this.store = store;
    }

    /** Applies the policy to a timeline at its current ingest position. */
    public GcResult collect(Timeline timeline, RetentionPolicy policy) {
        return collect(timeline, policy.horizon(timeline.position().end()));
    }

    /** Moves the timeline's horizon up to {@code horizon} (never down) and drops what it supersedes. */
    public GcResult collect(Timeline timeline, Lsn horizon) {
        Lsn published = advanceHorizon(timeline, horizon);
        return published.equals(horizon) ? dropSuperseded(timeline, published) : new GcResult(published, 0);
    }

    /**
     * Publishes the horizon (reads below it are refused from then on) before anything is deleted, so no
     * reader below it can see a half-collected state; RocksDB's own log keeps write order, so after a crash
     * deletions never survive without it. Returns the horizon now in force (it never moves back).
     */
    public Lsn advanceHorizon(Timeline timeline, Lsn horizon) {
        Lsn ingested = timeline.position().end();
        if (horizon.isAfter(ingested)) {
            throw new TimelineStateException(timeline.ref(), "GC horizon " + horizon
                    + " is beyond the ingested end " + ingested);
        }
        Lsn current = timeline.gcHorizon();
        if (!horizon.isAfter(current)) {
            return current;
        }
        WriteSet publish = store.newWriteSet();
        publish.put(KeyCodec.gcHorizon(timeline.ref()), ByteBuffer.allocate(8).putLong(horizon.value()).array());
        publish.commit();
        return horizon;
    }

    /** Drops every version superseded at or below a published {@code horizon}. */
    public GcResult dropSuperseded(Timeline timeline, Lsn horizon) {
        long dropped = 0;
        for (KeyKind kind : KeyKind.values()) {
            if (kind.versioned) {
                dropped += store.dropSupersededVersions(KeyCodec.kindPrefix(timeline.ref(), kind), horizon);
            }
        }
        return new GcResult(horizon, dropped);
    }
}
