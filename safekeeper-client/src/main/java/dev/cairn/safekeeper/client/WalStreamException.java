package dev.cairn.safekeeper.client;

/** A stream of WAL from a safekeeper broke its contract (a gap, a bad checksum): read from another one. */
public class WalStreamException extends RuntimeException {
    public WalStreamException(String message) {
        super(message);
    }

    public WalStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
