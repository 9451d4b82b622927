package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.RelFork;
import dev.cairn.redo.BlockRedo;
import dev.cairn.redo.RedoException;

import java.util.ArrayList;
import java.util.List;

/**
 * GetPage@LSN over images and deltas: walk back from the LSN to the newest image (or a cached page, or the
 * start of the relation's incarnation), then redo the deltas after it in order. What is materialised is cached
 * by the newest version's key when the source {@linkplain VersionSource#fillsPageCache() allows it}.
 */
public final class PageMaterializer {
    /** A materialised page, the LSN of the version it ends with, and the deltas on top of its image. */
    public record Materialized(byte[] page, Lsn versionLsn, int chainLength) {
    }

    private PageMaterializer() {
    }

    /** The block at {@code lsn}, or null when no version of this incarnation exists (it reads as zeroes). */
    static Materialized materialize(VersionSource source, PageCache cache, TimelineKey ref, RelFork rf, long block,
                                    Lsn lsn, RelState state) {
        boolean cacheable = source.fillsPageCache();
        List<PageVersion.Delta> deltas = new ArrayList<>();
        byte[] base = null;
        int baseChain = 0;
        byte[] newestKey = null;
        Lsn newest = null;
        Lsn at = lsn;
        while (true) {
            Versioned v = source.latest(KeyCodec.page(ref, rf, block, at));
            if (v == null || v.isTombstone() || v.lsn().isBefore(state.createdAt())) {
                break;
            }
            byte[] key = KeyCodec.page(ref, rf, block, v.lsn());
            if (newest == null) {
                newest = v.lsn();
                newestKey = key;
            }
            PageCache.Cached hit = cache.get(key); // versions never change: a hit is valid through any source
            if (hit != null) {
                base = hit.page();
                baseChain = hit.chainLength();
                break;
            }
            PageVersion version = PageVersion.decode(v.value(), v.lsn());
            if (version instanceof PageVersion.Image image) {
                base = image.page();
                break;
            }
            deltas.add((PageVersion.Delta) version);
            if (v.lsn().value() == 0) {
                break;
            }
            at = Lsn.of(v.lsn().value() - 1);
        }
        if (newest == null) {
            return null;
        }
        byte[] page = base;
        for (int i = deltas.size() - 1; i >= 0; i--) {
            PageVersion.Delta d = deltas.get(i);
            try {
                page = BlockRedo.apply(d.record(), d.block(), page);
            } catch (RedoException e) {
                throw new PageRedoException(ref, rf, block, lsn, e);
            }
        }
        int chain = baseChain + deltas.size();
        if (cacheable && !deltas.isEmpty()) {
            cache.put(newestKey, page, chain);
        }
        return new Materialized(page, newest, chain);
    }
}
