package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;

import java.util.ArrayList;
import java.util.List;

/**
 * The versions of one entity at or below a scan's LSN, as a forward scan met them (oldest first), still sealed:
 * a value is opened only when a reader asks for its version. A bulk reader materialises a page from this instead
 * of seeking back through the store once per delta.
 */
final class VersionHistory implements VersionSource {
    private final ValueCodec codec;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> sealed = new ArrayList<>();

    VersionHistory(ValueCodec codec) {
        this.codec = codec;
    }

    void add(byte[] key, byte[] sealedValue) {
        keys.add(key);
        sealed.add(sealedValue);
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    void clear() {
        keys.clear();
        sealed.clear();
    }

    @Override
    public boolean fillsPageCache() {
        return false;
    }

    @Override
    public Versioned latest(byte[] keyWithLsn) {
        Lsn at = KeyCodec.lsnOf(keyWithLsn);
        for (int i = keys.size() - 1; i >= 0; i--) {
            if (KeyCodec.lsnOf(keys.get(i)).compareTo(at) <= 0) {
                return KeyCodec.sameEntity(keys.get(i), keyWithLsn) ? open(i) : null;
            }
        }
        return null;
    }

    private Versioned open(int i) {
        byte[] key = keys.get(i);
        return new Versioned(KeyCodec.lsnOf(key), codec.open(key, sealed.get(i)));
    }
}
