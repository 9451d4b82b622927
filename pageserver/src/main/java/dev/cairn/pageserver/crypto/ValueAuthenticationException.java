package dev.cairn.pageserver.crypto;

/** A stored value that does not authenticate: corrupted, moved to another key, or sealed under a key we do not hold. */
public class ValueAuthenticationException extends RuntimeException {
    public ValueAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
