package dev.cairn.kms.crypto;

/**
 * A key was used after it was zeroed: its cache entry was evicted (TTL refresh, revocation) while a
 * caller still held it. Callers that read keys from the cache without its lock retry with fresh keys.
 */
public final class KeyDestroyedException extends IllegalStateException {
    public KeyDestroyedException(String message) {
        super(message);
    }
}
