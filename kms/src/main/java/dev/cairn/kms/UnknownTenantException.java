package dev.cairn.kms;

import dev.cairn.common.Id128;

/** No keyring exists for the tenant in this data directory. */
public final class UnknownTenantException extends KeyHierarchyException {
    public UnknownTenantException(Id128 tenant) {
        super(tenant, "unknown tenant " + tenant + ": no keyring in this data directory", null);
    }
}
