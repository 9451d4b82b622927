package dev.cairn.kms.provider;

/** The KMS refuses the key: disabled, pending deletion, destroyed, not found or access denied. */
public final class KmsKeyRevokedException extends KmsException {
    public KmsKeyRevokedException(KeyRef keyRef, String message, Throwable cause) {
        super(keyRef, message, cause);
    }
}
