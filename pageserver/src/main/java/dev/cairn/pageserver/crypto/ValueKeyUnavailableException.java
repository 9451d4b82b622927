package dev.cairn.pageserver.crypto;

/** The key a value needs cannot be used now: the tenant's keys are revoked, or the KMS is unreachable past the cache TTL. */
public class ValueKeyUnavailableException extends RuntimeException {
    public ValueKeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
