package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageMaterializer;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Relation fork existence and sizes at the head of ingest, and the page
 * writes that change them. A size entry is written only when existence or
 * size changes; the head state is cached because almost every record asks.
 * So are the newest versions of recently written pages, materialised: ingest
 * is their only writer, so redo of the next record on a hot page reads nothing.
 */
final class Relations {
    /** Pages whose newest version ingest keeps materialised: 4096 pages, 32 MiB. */
    private static final int HEAD_PAGES = 4096;

    private record BlockKey(RelFork rf, long block) {
    }

    private final Map<RelFork, Optional<RelState>> head = new HashMap<>();
    private final LinkedHashMap<BlockKey, PageMaterializer.Materialized> pages =
            new LinkedHashMap<>(HEAD_PAGES, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<BlockKey, PageMaterializer.Materialized> eldest) {
                    return size() > HEAD_PAGES;
                }
            };

    /** The fork's state as of this record, or null when it does not exist. */
    RelState state(RecordContext ctx, RelFork rf) {
        Optional<RelState> s = head.get(rf);
        if (s == null) {
            s = Optional.ofNullable(ctx.timeline.relState(rf, ctx.lsn));
            head.put(rf, s);
        }
        return s.orElse(null);
    }

    /**
     * The block's newest version as of this record, materialised (the page array is shared: copy before
     * changing it), or null when it has none of the fork's incarnation.
     */
    PageMaterializer.Materialized page(RecordContext ctx, RelFork rf, long block) {
        BlockKey key = new BlockKey(rf, block);
        PageMaterializer.Materialized m = pages.get(key);
        if (m != null) {
            return m;
        }
        RelState s = state(ctx, rf);
        m = s == null ? null : ctx.timeline.materialized(rf, block, ctx.lsn, s);
        if (m != null) {
            pages.put(key, m);
        }
        return m;
    }

    /** A private copy of the block's newest version to change and store again, or a new (all-zero) page. */
    byte[] pageToChange(RecordContext ctx, RelFork rf, long block) {
        PageMaterializer.Materialized m = page(ctx, rf, block);
        return m == null ? new byte[PgConstants.BLCKSZ] : m.page().clone();
    }

    /** Stores a block image; a fork that did not exist is created, a shorter one extended. */
    void putPage(RecordContext ctx, RelFork rf, long block, byte[] page) {
        putVersion(ctx, rf, block, page, new PageMaterializer.Materialized(page, ctx.lsn, 0));
    }

    /** Stores a delta (the record, to redo on the previous version); {@code after} is the page it makes. */
    void putDelta(RecordContext ctx, RelFork rf, long block, byte[] delta, byte[] after, int chainLength) {
        putVersion(ctx, rf, block, delta, new PageMaterializer.Materialized(after, ctx.lsn, chainLength));
    }

    private void putVersion(RecordContext ctx, RelFork rf, long block, byte[] value, PageMaterializer.Materialized m) {
        RelState s = state(ctx, rf);
        if (s == null) {
            setState(ctx, rf, new RelState(block + 1, ctx.lsn));
        } else if (block >= s.nblocks()) {
            setState(ctx, rf, s.withSize(block + 1));
        }
        ctx.writes.put(KeyCodec.page(ctx.ref(), rf, block, ctx.lsn), value);
        pages.put(new BlockKey(rf, block), m);
        ctx.cachePage(rf, block, m.page(), m.chainLength());
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
        pages.keySet().removeIf(k -> k.rf().equals(rf) && k.block() >= nblocks);
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
        pages.keySet().removeIf(k -> k.rf().rel().equals(rel));
    }

    /** Forgets cached state (after a failed record, whose pending writes were discarded). */
    void invalidate() {
        head.clear();
        pages.clear();
    }

    private void setState(RecordContext ctx, RelFork rf, RelState s) {
        ctx.writes.put(KeyCodec.relSize(ctx.ref(), rf, ctx.lsn), s.encode());
        head.put(rf, Optional.of(s));
    }
}
