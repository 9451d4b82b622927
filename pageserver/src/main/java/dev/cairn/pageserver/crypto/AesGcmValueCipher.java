package dev.cairn.pageserver.crypto;

import dev.cairn.kms.crypto.PerThreadCipher;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AES-256-GCM (JCE) under one key. Sealed layout:
 * <pre>
 *   0   1   format version (1)
 *   1   4   key id (big-endian)
 *   5   12  nonce: 4-byte random prefix of this instance || 8-byte counter
 *   17  n+16 ciphertext || tag
 * </pre>
 * The header is part of the GCM additional data, so it cannot be altered
 * either. Counter nonces with a random per-instance prefix never repeat within
 * an instance; 2^32 instances per key keep prefix collisions negligible.
 */
public final class AesGcmValueCipher implements ValueCipher {
    public static final byte VERSION = 1;
    public static final int HEADER = 1 + 4 + 12;
    public static final int TAG_BYTES = 16;

    private final int keyId;
    private final SecretKeySpec key;
    private final int noncePrefix;
    private final AtomicLong counter = new AtomicLong();
    private final PerThreadCipher ciphers = new PerThreadCipher("AES/GCM/NoPadding");

    public AesGcmValueCipher(int keyId, byte[] key256) {
        if (key256.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key, got " + key256.length);
        }
        this.keyId = keyId;
        this.key = new SecretKeySpec(key256.clone(), "AES");
        this.noncePrefix = new SecureRandom().nextInt();
    }

    public static AesGcmValueCipher random(int keyId) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new AesGcmValueCipher(keyId, k);
    }

    @Override
    public byte[] seal(byte[] aad, byte[] plaintext) {
        byte[] out = new byte[HEADER + plaintext.length + TAG_BYTES];
        ByteBuffer.wrap(out).put(VERSION).putInt(keyId).putInt(noncePrefix).putLong(counter.incrementAndGet());
        try {
            ciphers.apply(c -> {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, out, 5, 12));
                c.updateAAD(out, 0, HEADER);
                c.updateAAD(aad);
                return c.doFinal(plaintext, 0, plaintext.length, out, HEADER);
            });
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    @Override
    public byte[] open(byte[] aad, byte[] sealed) {
        if (sealed.length < HEADER + TAG_BYTES) {
            throw new ValueAuthenticationException("sealed value too short (" + sealed.length + " bytes)", null);
        }
        if (sealed[0] != VERSION) {
            throw new ValueAuthenticationException("unknown value format version " + sealed[0], null);
        }
        int id = ByteBuffer.wrap(sealed, 1, 4).getInt();
        if (id != keyId) {
            throw new ValueAuthenticationException("value is sealed under key " + id + ", this store holds key " + keyId, null);
        }
        try {
            return ciphers.apply(c -> {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 5, 12));
                c.updateAAD(sealed, 0, HEADER);
                c.updateAAD(aad);
                return c.doFinal(sealed, HEADER, sealed.length - HEADER);
            });
        } catch (AEADBadTagException e) {
            throw new ValueAuthenticationException("authentication failed (corrupted value, wrong key, or value moved)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
