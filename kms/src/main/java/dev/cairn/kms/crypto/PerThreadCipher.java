package dev.cairn.kms.crypto;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;

/**
 * One reusable {@link Cipher} per thread for a transformation, replaced after any failure.
 * <p>
 * Reuse saves the provider lookup of {@code Cipher.getInstance} (about a microsecond, as much as
 * sealing 4 KiB). Replacement is what keeps reuse safe: a Cipher from {@code getInstance} picks its
 * provider on the first {@code init}, and when that init throws (as it does for a {@link KeyMaterial}
 * destroyed by a cache eviction a moment earlier) the JDK has used up its list of candidate providers,
 * so every later init of that instance fails with "No installed provider supports this key", even with
 * a good key. A thread holding such an instance could never encrypt or decrypt again.
 */
public final class PerThreadCipher {
    /** What to do with the thread's cipher; it is re-initialised by the call. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(Cipher cipher) throws GeneralSecurityException;
    }

    private final ThreadLocal<Cipher> ciphers;

    public PerThreadCipher(String transformation) {
        this.ciphers = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance(transformation);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(transformation + " is not available in this JDK", e);
            }
        });
    }

    /** Runs {@code use} with this thread's cipher; after any exception the thread gets a new cipher next time. */
    public <T> T apply(Use<T> use) throws GeneralSecurityException {
        try {
            return use.apply(ciphers.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            ciphers.remove();
            throw e;
        }
    }
}
