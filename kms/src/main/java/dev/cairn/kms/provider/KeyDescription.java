package dev.cairn.kms.provider;

/** What the KMS says about a CMK: its state and the version that new wraps use. */
public record KeyDescription(KeyRef keyRef, KeyStatus status, String primaryVersion) {
    public KeyDescription {
        primaryVersion = primaryVersion == null ? "" : primaryVersion;
    }
}
