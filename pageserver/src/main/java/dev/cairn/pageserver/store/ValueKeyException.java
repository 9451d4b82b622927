package dev.cairn.pageserver.store;

/** A stored value cannot be opened because its tenant's keys cannot be used (revoked, KMS unreachable). */
public class ValueKeyException extends PageStoreException {
    public ValueKeyException(byte[] key, String why, Throwable cause) {
        super("keys for " + KeyCodec.describe(key) + " are unavailable: " + why, cause);
    }
}
