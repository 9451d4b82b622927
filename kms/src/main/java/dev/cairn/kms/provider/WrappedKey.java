package dev.cairn.kms.provider;

/**
 * Key material encrypted by a CMK. {@code keyRef} is the CMK that wrapped it; {@code keyVersion} is the
 * CMK version the KMS reported for the wrap (for display and for providers that need it to unwrap), or
 * empty when the KMS does not say. The blob is opaque and provider-specific; it never holds plaintext.
 */
public record WrappedKey(KeyRef keyRef, String keyVersion, byte[] blob) {

    public WrappedKey {
        if (keyRef == null || blob == null || blob.length == 0) {
            throw new IllegalArgumentException("wrapped key needs a key reference and a blob");
        }
        keyVersion = keyVersion == null ? "" : keyVersion;
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }
}
