package dev.cairn.kms;

import dev.cairn.common.Id128;

/**
 * The tenant's keys are revoked: its CMK refused to unwrap (disabled, destroyed, access denied) or an
 * operator revoked it. No data of the tenant can be read or written until the CMK is restored.
 */
public final class KeyRevokedException extends KeyHierarchyException {
    private final String keyRef;
    private final RevocationSource source;

    public KeyRevokedException(Id128 tenant, String keyRef, RevocationSource source, String reason) {
        this(tenant, keyRef, source, reason, null);
    }

    public KeyRevokedException(Id128 tenant, String keyRef, RevocationSource source, String reason, Throwable cause) {
        super(tenant, "keys of tenant " + tenant + " are revoked (" + source.name().toLowerCase()
                + ", CMK " + keyRef + "): " + reason, cause);
        this.keyRef = keyRef;
        this.source = source;
    }

    public String keyRef() {
        return keyRef;
    }

    public RevocationSource source() {
        return source;
    }
}
