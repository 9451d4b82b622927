package dev.cairn.kms;

/** No keyring exists for the tenant in this data directory. */
public final class UnknownTenantException extends KeyHierarchyException {
    public UnknownTenantException(TenantId tenant) {
        super(tenant, "unknown tenant " + tenant + ": no keyring in this data directory", null);
    }
}
