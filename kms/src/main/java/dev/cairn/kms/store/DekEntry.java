package dev.cairn.kms.store;

/**
 * A DEK as persisted: wrapped by KEK {@code kekId}. {@code counterReserved} is the end of the nonce
 * counters reserved so far (every counter below it may have been used); {@code retired} DEKs stay
 * readable but are no longer the active DEK of their purpose.
 */
public record DekEntry(long sequence, String purpose, long kekId, byte[] wrapped, long counterReserved,
                       boolean retired, String created) {

    public DekEntry withWrapping(long newKekId, byte[] newWrapped) {
        return new DekEntry(sequence, purpose, newKekId, newWrapped, counterReserved, retired, created);
    }

    public DekEntry withCounterReserved(long end) {
        return new DekEntry(sequence, purpose, kekId, wrapped, end, retired, created);
    }

    public DekEntry asRetired() {
        return new DekEntry(sequence, purpose, kekId, wrapped, counterReserved, true, created);
    }
}
