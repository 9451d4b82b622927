package dev.cairn.kms;

/** Why a tenant is revoked. */
public enum RevocationSource {
    /** The KMS refused the CMK (disabled, destroyed, permission removed); cleared when the KMS unwraps again. */
    KMS,
    /** An operator ran {@code cairn keys revoke}; cleared only by {@code cairn keys restore}. */
    OPERATOR
}
