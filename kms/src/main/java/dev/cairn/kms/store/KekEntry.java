package dev.cairn.kms.store;

/**
 * A tenant KEK as persisted: only its CMK-wrapped form. {@code wrappedBy} is the CMK key reference that
 * wrapped it and {@code cmkVersion} the CMK version the KMS reported.
 */
public record KekEntry(long id, String wrappedBy, String cmkVersion, byte[] wrapped, String created) {

    public KekEntry withWrapping(String newWrappedBy, String newCmkVersion, byte[] newWrapped) {
        return new KekEntry(id, newWrappedBy, newCmkVersion, newWrapped, created);
    }
}
