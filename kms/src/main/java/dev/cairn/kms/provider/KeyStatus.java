package dev.cairn.kms.provider;

/** The state of a CMK (or its primary version) as the KMS reports it. */
public enum KeyStatus {
    ENABLED,
    DISABLED,
    PENDING_DELETION,
    DESTROYED,
    UNKNOWN;

    /** Whether the key can unwrap. */
    public boolean usable() {
        return this == ENABLED;
    }
}
