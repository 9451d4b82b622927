package dev.cairn.pageserver.gc;

import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageVersion;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.RelFork;
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

    /**
     * Drops every version superseded at or below a published {@code horizon}. Pages first get an image as their
     * newest version at or below it (GC keeps the newest image and the deltas after it).
     */
    public GcResult dropSuperseded(Timeline timeline, Lsn horizon) {
        imagesAtHorizon(timeline, horizon);
        long dropped = 0;
        for (KeyKind kind : KeyKind.values()) {
            if (kind.versioned) {
                dropped += store.dropSupersededVersions(KeyCodec.kindPrefix(timeline.ref(), kind), horizon);
            }
        }
        return new GcResult(horizon, dropped);
    }

    /**
     * Where a page's newest version at or below the horizon is a delta, stores the page it materialises to as an
     * image under the same key (same LSN, same content): dropping the versions it supersedes, by key alone,
     * then never removes the base a delta needs.
     *
     * @return the number of deltas turned into images
     */
    long imagesAtHorizon(Timeline timeline, Lsn horizon) {
        long[] converted = {0};
        WriteSet writes = store.newWriteSet();
        store.scanLatest(KeyCodec.kindPrefix(timeline.ref(), KeyKind.PAGE), horizon, (entity, v) -> {
            if (v.isTombstone() || PageVersion.isImage(v.value())) {
                return;
            }
            RelFork rf = KeyCodec.relForkOf(entity);
            long block = KeyCodec.blockOf(entity);
            RelState state = timeline.relState(rf, v.lsn());
            if (state == null) {
                return; // no reader at or above the horizon reaches a version of a fork gone by then
            }
            writes.put(KeyCodec.page(timeline.ref(), rf, block, v.lsn()), timeline.storedPage(rf, block, v.lsn(), state));
            converted[0]++;
            if (writes.pendingBytes() > (64L << 20)) {
                writes.commit();
            }
        });
        writes.commit();
        return converted[0];
    }
}
