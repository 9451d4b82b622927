package dev.cairn.safekeeper.storage;

/** A WAL chunk failed authentication: altered, torn, moved, or sealed under another key. */
public final class ChunkAuthenticationException extends Exception {
    public ChunkAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
