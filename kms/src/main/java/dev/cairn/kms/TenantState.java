package dev.cairn.kms;

/** Whether a tenant's keys can be used. */
public enum TenantState {
    /** Keys unwrap; encryption and decryption work. */
    ACTIVE,
    /**
     * The CMK refused to unwrap (disabled, destroyed, access removed) or an operator revoked the tenant:
     * cached keys are zeroed and every encrypt/decrypt fails with {@link KeyRevokedException}.
     */
    REVOKED
}
