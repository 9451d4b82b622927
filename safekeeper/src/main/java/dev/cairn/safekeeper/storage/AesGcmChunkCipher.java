package dev.cairn.safekeeper.storage;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM under one local key (development and tests; production goes through the tenant's DEKs in
 * {@link KmsChunkCipher}). Sealed form: 12-byte nonce || ciphertext || 16-byte tag.
 *
 * <p>Nonces: 8 random bytes chosen per writer epoch || a 4-byte counter. A new epoch (new random prefix)
 * starts with every instance and whenever the counter wraps, so two seals under this key share a nonce
 * only if two epochs draw the same 64-bit prefix (about 2^-64 per pair) — never within one epoch.
 */
public final class AesGcmChunkCipher implements WalChunkCipher {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private long prefix;
    private int counter;

    public AesGcmChunkCipher(byte[] key256) {
        if (key256.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key, got " + key256.length);
        }
        this.key = new SecretKeySpec(key256.clone(), "AES");
        this.prefix = RANDOM.nextLong();
    }

    public static byte[] randomKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    @Override
    public synchronized byte[] seal(ChunkBinding binding, byte[] plaintext) {
        if (counter == -1) {
            prefix = RANDOM.nextLong();
        }
        byte[] out = new byte[NONCE + plaintext.length + TAG_BITS / 8];
        ByteBuffer.wrap(out).putLong(prefix).putInt(counter++);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, out, 0, NONCE));
            c.updateAAD(binding.aad());
            c.doFinal(plaintext, 0, plaintext.length, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    @Override
    public byte[] open(ChunkBinding binding, byte[] sealed) throws ChunkAuthenticationException {
        if (sealed.length < NONCE + TAG_BITS / 8) {
            throw new ChunkAuthenticationException("sealed chunk too short: " + sealed.length + " bytes", null);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE)));
            c.updateAAD(binding.aad());
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (AEADBadTagException e) {
            throw new ChunkAuthenticationException("chunk at " + binding.startLsn() + " of " + binding.timeline()
                    + " failed authentication", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
