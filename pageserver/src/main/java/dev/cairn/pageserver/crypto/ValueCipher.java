package dev.cairn.pageserver.crypto;

/**
 * Authenticated encryption of stored values. The sealed form carries its own
 * small header (format version, key id, nonce) so a value names the key that
 * opens it; {@code aad} binds the value to where it is stored (the RocksDB key),
 * so a value moved to another key fails authentication.
 */
public interface ValueCipher {

    byte[] seal(byte[] aad, byte[] plaintext);

    /** @throws ValueAuthenticationException when the value was altered, moved, or sealed under another key */
    byte[] open(byte[] aad, byte[] sealed);
}
