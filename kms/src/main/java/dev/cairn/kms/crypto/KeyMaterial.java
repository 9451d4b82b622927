package dev.cairn.kms.crypto;

import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A 256-bit AES key held in one array that {@link #destroy()} zeroes. After destruction every use
 * throws {@link KeyDestroyedException}, so a key zeroed by revocation can never silently encrypt under
 * an all-zero key. JCE receives short-lived copies through {@link #getEncoded()}.
 */
public final class KeyMaterial implements SecretKey, Destroyable {
    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private boolean destroyed;

    /** Takes ownership of {@code bytes} (the caller must not keep using the array). */
    public KeyMaterial(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("AES-256 key must be " + LENGTH + " bytes");
        }
        this.bytes = bytes;
    }

    public static KeyMaterial random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new KeyMaterial(b);
    }

    @Override
    public String getAlgorithm() {
        return "AES";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public synchronized byte[] getEncoded() {
        if (destroyed) {
            throw new KeyDestroyedException("key material was destroyed");
        }
        return bytes.clone();
    }

    @Override
    public synchronized void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "KeyMaterial[redacted]";
    }
}
