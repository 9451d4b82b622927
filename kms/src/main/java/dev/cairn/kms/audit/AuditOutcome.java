package dev.cairn.kms.audit;

/** How an audited operation ended. */
public enum AuditOutcome {
    SUCCESS,
    /** The KMS refused the key (revocation). */
    DENIED,
    /** The KMS could not be reached (transient). */
    UNAVAILABLE,
    FAILURE
}
