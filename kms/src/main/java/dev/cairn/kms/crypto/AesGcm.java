package dev.cairn.kms.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/** AES-256-GCM (JCE, hardware-accelerated) with 96-bit nonces and 128-bit tags. */
public final class AesGcm {
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PerThreadCipher CIPHER = new PerThreadCipher("AES/GCM/NoPadding");

    private AesGcm() {
    }

    /** Returns ciphertext || tag. */
    public static byte[] encrypt(KeyMaterial key, byte[] nonce, byte[] aad, byte[] plaintext) {
        return encrypt(key, nonce, aad, plaintext, 0, plaintext.length, new byte[plaintext.length + TAG_LENGTH], 0);
    }

    /** Encrypts into {@code out} at {@code outOffset}; returns it. */
    public static byte[] encrypt(KeyMaterial key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int inLength,
                                 byte[] out, int outOffset) {
        try {
            CIPHER.apply(c -> {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
                c.updateAAD(aad);
                return c.doFinal(in, inOffset, inLength, out, outOffset);
            });
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Decrypts ciphertext || tag; throws {@link AEADBadTagException} when authentication fails. */
    public static byte[] decrypt(KeyMaterial key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int inLength)
            throws AEADBadTagException {
        if (inLength < TAG_LENGTH) {
            throw new AEADBadTagException("ciphertext shorter than the GCM tag");
        }
        try {
            return CIPHER.apply(c -> {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
                c.updateAAD(aad);
                return c.doFinal(in, inOffset, inLength);
            });
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Seals a small secret (a key) under {@code kek} with a random nonce: returns nonce || ct || tag.
     * Random nonces are safe here: wraps happen at most a few thousand times per key.
     */
    public static byte[] wrap(KeyMaterial kek, byte[] aad, byte[] secret) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        byte[] out = new byte[NONCE_LENGTH + secret.length + TAG_LENGTH];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        return encrypt(kek, nonce, aad, secret, 0, secret.length, out, NONCE_LENGTH);
    }

    /** Opens {@link #wrap}'s output. */
    public static byte[] unwrap(KeyMaterial kek, byte[] aad, byte[] wrapped) throws AEADBadTagException {
        if (wrapped.length < NONCE_LENGTH + TAG_LENGTH) {
            throw new AEADBadTagException("wrapped key too short");
        }
        byte[] nonce = java.util.Arrays.copyOfRange(wrapped, 0, NONCE_LENGTH);
        return decrypt(kek, nonce, aad, wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH);
    }
}
