package dev.cairn.kms.provider;

/** Network error, timeout, throttling or a 5xx: retry with backoff. */
public final class KmsTransientException extends KmsException {
    public KmsTransientException(KeyRef keyRef, String message, Throwable cause) {
        super(keyRef, message, cause);
    }
}
