package dev.cairn.kms.audit;

/** Audited key operations. */
public enum AuditOperation {
    CREATE_TENANT,
    /** A KEK wrapped by the CMK (a KMS call). */
    WRAP_KEK,
    /** A KEK unwrapped by the CMK (a KMS call). */
    UNWRAP_KEK,
    WRAP_DEK,
    UNWRAP_DEK,
    ROTATE_CMK,
    ROTATE_KEK,
    ROTATE_DEK,
    DESTROY_DEK,
    REVOKE,
    RESTORE,
    VERIFY
}
