package dev.cairn.safekeeper.storage;

/**
 * Seals WAL chunks at rest (authenticated encryption). Implementations own their nonce discipline: a
 * nonce is never reused under one key.
 */
public interface WalChunkCipher {
    byte[] seal(ChunkBinding binding, byte[] plaintext);

    byte[] open(ChunkBinding binding, byte[] sealed) throws ChunkAuthenticationException;
}
