package dev.cairn.pageserver.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes to apply atomically (one RocksDB write batch), readable before they
 * are applied: the redo of a WAL record reads what it and the records before it
 * in the same batch wrote (two subtransactions on one CLOG page, a page changed
 * by consecutive records). A read sees the newest pending version of the entity
 * at or before its LSN, else the store's.
 */
public final class WriteSet implements VersionSource {
    private static final byte[] TOMBSTONE = new byte[0];

    private final PageStore store;
    private final TreeMap<byte[], byte[]> pending = new TreeMap<>(Arrays::compareUnsigned);
    private long bytes;

    WriteSet(PageStore store) {
        this.store = store;
    }

    /** @param value the plaintext, or null for a tombstone */
    public void put(byte[] key, byte[] value) {
        pending.put(key, value == null ? TOMBSTONE : value);
        bytes += key.length + (value == null ? 0 : value.length);
    }

    @Override
    public boolean fillsPageCache() {
        return false;
    }

    @Override
    public Versioned latest(byte[] keyWithLsn) {
        Map.Entry<byte[], byte[]> floor = pending.floorEntry(keyWithLsn);
        if (floor != null && KeyCodec.sameEntity(floor.getKey(), keyWithLsn)) {
            // pending versions are newer than any stored one: ingest writes at increasing LSNs
            byte[] v = floor.getValue();
            return new Versioned(KeyCodec.lsnOf(floor.getKey()), v == TOMBSTONE ? null : v);
        }
        return store.latest(keyWithLsn);
    }

    /** Plaintext bytes pending (to bound memory of large imports and batches). */
    public long pendingBytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Seals and writes everything pending in one batch, then starts empty. */
    public void commit() {
        if (pending.isEmpty()) {
            return;
        }
        List<byte[]> keys = new ArrayList<>(pending.size());
        List<byte[]> values = new ArrayList<>(pending.size());
        for (Map.Entry<byte[], byte[]> e : pending.entrySet()) {
            keys.add(e.getKey());
            values.add(e.getValue() == TOMBSTONE ? null : e.getValue());
        }
        store.write(keys, values);
        pending.clear();
        bytes = 0;
    }
}
