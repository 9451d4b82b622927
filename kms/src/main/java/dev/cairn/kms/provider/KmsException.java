package dev.cairn.kms.provider;

/**
 * A KMS call failed. Every provider failure is classified into one of the subclasses: the hierarchy
 * retries {@link KmsTransientException}, revokes the tenant on {@link KmsKeyRevokedException} and
 * reports {@link KmsRejectedException} as an error.
 */
public abstract sealed class KmsException extends RuntimeException
        permits KmsTransientException, KmsKeyRevokedException, KmsRejectedException {
    private final KeyRef keyRef;

    protected KmsException(KeyRef keyRef, String message, Throwable cause) {
        super(keyRef + ": " + message, cause);
        this.keyRef = keyRef;
    }

    public KeyRef keyRef() {
        return keyRef;
    }
}
