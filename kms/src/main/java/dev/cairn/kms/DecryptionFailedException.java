package dev.cairn.kms;

import dev.cairn.common.Id128;

/**
 * A ciphertext or wrapped key failed authentication: it was altered, truncated, moved to another
 * identity (tenant, purpose, object, position) or sealed under another key. Never returns wrong plaintext.
 */
public final class DecryptionFailedException extends KeyHierarchyException {
    public DecryptionFailedException(Id128 tenant, String message, Throwable cause) {
        super(tenant, message, cause);
    }
}
