package dev.cairn.kms;

import dev.cairn.common.Id128;

/** Base of the key hierarchy's errors; carries the tenant it concerns (may be null for store-wide errors). */
public abstract class KeyHierarchyException extends RuntimeException {
    private final Id128 tenant;

    protected KeyHierarchyException(Id128 tenant, String message, Throwable cause) {
        super(message, cause);
        this.tenant = tenant;
    }

    /** The tenant concerned, or null. */
    public Id128 tenant() {
        return tenant;
    }
}
