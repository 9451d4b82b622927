package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;

/** A stored version: the LSN in its key and its decrypted value, or null for a tombstone. */
public record Versioned(Lsn lsn, byte[] value) {
    public boolean isTombstone() {
        return value == null;
    }
}
