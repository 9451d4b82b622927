package dev.cairn.pageserver.store;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;

/**
 * Materialised pages by the key of the version they end with (timeline, relation fork, block, LSN): versions
 * never change, so an entry is valid for as long as the version exists. Least recently used entries go first.
 * Ingest puts the pages it redoes; reads put what they materialise.
 */
public final class PageCache {
    /** A page and how many deltas were redone on its newest image to get it. */
    public record Cached(byte[] page, int chainLength) {
    }

    private final int capacity;
    private final LinkedHashMap<ByteBuffer, Cached> entries;
    private long hits;
    private long misses;

    public PageCache(int capacityPages) {
        this.capacity = capacityPages;
        this.entries = new LinkedHashMap<>(Math.min(capacityPages, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<ByteBuffer, Cached> eldest) {
                return size() > PageCache.this.capacity;
            }
        };
    }

    public synchronized Cached get(byte[] versionKey) {
        Cached e = entries.get(ByteBuffer.wrap(versionKey));
        if (e == null) {
            misses++;
        } else {
            hits++;
        }
        return e;
    }

    /** Caches a copy-on-read page: callers must not change {@code page} afterwards. */
    public synchronized void put(byte[] versionKey, byte[] page, int chainLength) {
        if (capacity > 0) {
            entries.put(ByteBuffer.wrap(versionKey.clone()), new Cached(page, chainLength));
        }
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
