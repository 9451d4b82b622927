package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.RelFileLocator;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Relation fork existence and sizes at the head of ingest, and the page
 * writes that change them. A size entry is written only when existence or
 * size changes; the head state is cached because almost every record asks.
 */
final class Relations {
    private final Map<RelFork, Optional<RelState>> head = new HashMap<>();

    /** The fork's state as of this record, or null when it does not exist. */
    RelState state(RecordContext ctx, RelFork rf) {
        Optional<RelState> s = head.get(rf);
        if (s == null) {
            s = Optional.ofNullable(ctx.timeline.relState(rf, ctx.lsn));
            head.put(rf, s);
        }
        return s.orElse(null);
    }

    /** Stores a block image; a fork that did not exist is created, a shorter one extended. */
    void putPage(RecordContext ctx, RelFork rf, long block, byte[] page) {
        RelState s = state(ctx, rf);
        if (s == null) {
            setState(ctx, rf, new RelState(block + 1, ctx.lsn));
        } else if (block >= s.nblocks()) {
            setState(ctx, rf, s.withSize(block + 1));
        }
        ctx.writes.put(KeyCodec.page(ctx.ref(), rf, block, ctx.lsn), page);
    }

    /** smgrcreate: an existing fork is left as it is (as in redo). */
    void create(RecordContext ctx, RelFork rf) {
        if (state(ctx, rf) == null) {
            setState(ctx, rf, new RelState(0, ctx.lsn));
        }
    }

    /** Makes the fork at least {@code nblocks} long (blocks without images read as zeroes). */
    void extend(RecordContext ctx, RelFork rf, long nblocks) {
        RelState s = state(ctx, rf);
        if (s == null) {
            setState(ctx, rf, new RelState(nblocks, ctx.lsn));
        } else if (s.nblocks() < nblocks) {
            setState(ctx, rf, s.withSize(nblocks));
        }
    }

    /**
     * Truncates to {@code nblocks}. The cut blocks get tombstones so that a
     * later re-extension never shows their old contents.
     */
    void truncate(RecordContext ctx, RelFork rf, long nblocks) {
        RelState s = state(ctx, rf);
        if (s == null || s.nblocks() <= nblocks) {
            return;
        }
        for (long b = nblocks; b < s.nblocks(); b++) {
            ctx.writes.put(KeyCodec.page(ctx.ref(), rf, b, ctx.lsn), null);
        }
        setState(ctx, rf, s.withSize(nblocks));
    }

    /** Drops every fork of a relation (commit or abort that unlinks its files, database drop). */
    void drop(RecordContext ctx, RelFileLocator rel) {
        for (ForkNumber f : ForkNumber.values()) {
            RelFork rf = new RelFork(rel, f);
            if (state(ctx, rf) != null) {
                ctx.writes.put(KeyCodec.relSize(ctx.ref(), rf, ctx.lsn), null);
                head.put(rf, Optional.empty());
            }
        }
    }

    /** Forgets cached state (after a failed record, whose pending writes were discarded). */
    void invalidate() {
        head.clear();
    }

    private void setState(RecordContext ctx, RelFork rf, RelState s) {
        ctx.writes.put(KeyCodec.relSize(ctx.ref(), rf, ctx.lsn), s.encode());
        head.put(rf, Optional.of(s));
    }
}
