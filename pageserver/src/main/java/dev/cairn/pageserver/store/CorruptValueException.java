package dev.cairn.pageserver.store;

/**
 * A stored value failed authentication or decoding: corrupted on disk, moved
 * to another key, or sealed under a key this store does not hold. Never
 * answered with a page; the message names the key (kind, relation, block,
 * LSN, tenant, timeline).
 */
public class CorruptValueException extends PageStoreException {
    private final String keyDescription;

    public CorruptValueException(byte[] key, String why, Throwable cause) {
        super("stored value of " + KeyCodec.describe(key) + " cannot be read: " + why, cause);
        this.keyDescription = KeyCodec.describe(key);
    }

    public String keyDescription() {
        return keyDescription;
    }
}
