package dev.cairn.kms.provider;

/**
 * The KMS rejected the request itself: the wrapped key is invalid or was altered (integrity failure),
 * or the request or configuration is wrong. Retrying will not help; this is not a revocation.
 */
public final class KmsRejectedException extends KmsException {
    public KmsRejectedException(KeyRef keyRef, String message, Throwable cause) {
        super(keyRef, message, cause);
    }
}
