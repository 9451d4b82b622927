package dev.cairn.kms;

/**
 * The DEK has sealed its maximum number of messages (the nonce budget); it stays readable but new data
 * must use a new DEK ({@link KeyHierarchy#newDek} or the purpose's active DEK, which rotates by itself).
 */
public final class DekExhaustedException extends KeyHierarchyException {
    private final DekId dek;

    public DekExhaustedException(DekId dek, long limit) {
        super(dek.tenant(), "DEK " + dek + " has reached its limit of " + limit + " messages; use a new DEK", null);
        this.dek = dek;
    }

    public DekId dek() {
        return dek;
    }
}
