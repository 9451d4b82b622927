package dev.cairn.kms;

import dev.cairn.common.Id128;

/**
 * The KMS could not be reached (network, throttling, 5xx) after retries, and no cached key within its
 * TTL could serve the request. Not a revocation: retrying later may succeed.
 */
public final class KeyUnavailableException extends KeyHierarchyException {
    private final String keyRef;

    public KeyUnavailableException(Id128 tenant, String keyRef, String message, Throwable cause) {
        super(tenant, "keys of tenant " + tenant + " unavailable (CMK " + keyRef + "): " + message, cause);
        this.keyRef = keyRef;
    }

    public String keyRef() {
        return keyRef;
    }
}
