package dev.cairn.kms;

/** The tenant's keyring has no DEK with this id (never created, or destroyed). */
public final class UnknownDekException extends KeyHierarchyException {
    private final DekId dek;

    public UnknownDekException(DekId dek) {
        super(dek.tenant(), "unknown DEK " + dek, null);
        this.dek = dek;
    }

    public DekId dek() {
        return dek;
    }
}
