package dev.cairn.kms;

/** Base of the key hierarchy's errors; carries the tenant it concerns (may be null for store-wide errors). */
public abstract class KeyHierarchyException extends RuntimeException {
    private final TenantId tenant;

    protected KeyHierarchyException(TenantId tenant, String message, Throwable cause) {
        super(message, cause);
        this.tenant = tenant;
    }

    /** The tenant concerned, or null. */
    public TenantId tenant() {
        return tenant;
    }
}
