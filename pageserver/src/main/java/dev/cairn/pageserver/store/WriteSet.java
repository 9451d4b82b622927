package dev.cairn.pageserver.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes to apply atomically (one RocksDB write batch), readable before they
 * are applied: the redo of one WAL record reads what it wrote earlier in the
 * same record (e.g. two subtransactions on one CLOG page). Reads at exactly a
 * pending key's LSN see the pending value; everything else reads the store.
 */
public final class WriteSet implements VersionSource {
    private static final byte[] TOMBSTONE = new byte[0];

    private final PageStore store;
    private final Map<ByteBuffer, byte[]> pending = new HashMap<>();
    private final List<byte[]> keys = new ArrayList<>();
    private long bytes;

    WriteSet(PageStore store) {
        this.store = store;
    }

    /** @param value the plaintext, or null for a tombstone */
    public void put(byte[] key, byte[] value) {
        byte[] previous = pending.put(ByteBuffer.wrap(key), value == null ? TOMBSTONE : value);
        if (previous == null) {
            keys.add(key);
        }
        bytes += key.length + (value == null ? 0 : value.length);
    }

    @Override
    public Versioned latest(byte[] keyWithLsn) {
        byte[] v = pending.get(ByteBuffer.wrap(keyWithLsn));
        if (v != null) {
            return new Versioned(KeyCodec.lsnOf(keyWithLsn), v == TOMBSTONE ? null : v);
        }
        return store.latest(keyWithLsn);
    }

    /** Plaintext bytes pending (to bound memory of large imports). */
    public long pendingBytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Seals and writes everything pending in one batch, then starts empty. */
    public void commit() {
        if (keys.isEmpty()) {
            return;
        }
        List<byte[]> values = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            byte[] v = pending.get(ByteBuffer.wrap(k));
            values.add(v == TOMBSTONE ? null : v);
        }
        store.write(keys, values);
        pending.clear();
        keys.clear();
        bytes = 0;
    }
}
