package dev.cairn.safekeeper.consensus;

/**
 * Two term histories claim different start LSNs for the same term. Terms are won once, so this means
 * corrupted state or a forged message; it is never resolved by guessing.
 */
public final class HistoryConflictException extends RuntimeException {
    public HistoryConflictException(String message) {
        super(message);
    }
}
