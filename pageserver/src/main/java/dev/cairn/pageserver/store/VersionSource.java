package dev.cairn.pageserver.store;

/** Where versions are read from: the store itself, or a pending write set layered over it. */
public interface VersionSource {
    /**
     * The newest version of the entity of {@code keyWithLsn} whose LSN is at or
     * before the key's LSN, or null when there is none.
     */
    Versioned latest(byte[] keyWithLsn);

    /**
     * Whether pages materialised through this source go into the page cache: not what a pending write set
     * shows (it may never commit), nor what a bulk scan reads once (it would evict the hot pages).
     */
    default boolean fillsPageCache() {
        return true;
    }
}
