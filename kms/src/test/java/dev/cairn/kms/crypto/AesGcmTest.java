package dev.cairn.kms.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesGcmTest {
    private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);

    /**
     * A pageserver's ingest thread once stopped for good with "AES-GCM decryption failed": its first use of
     * the thread's cipher met a key that a cache refresh had just destroyed, and the JDK's cipher never
     * accepted a key again. Each case runs on a new thread so that its first use is the failing one.
     */
    @Test
    void aThreadWhoseFirstKeyWasDestroyedStillEncryptsAndDecryptsAfterwards() throws Exception {
        KeyMaterial good = KeyMaterial.random();
        byte[] wrappedEarlier = AesGcm.wrap(good, AAD, new byte[32]);
        for (boolean failFirstOnDecrypt : new boolean[] {false, true}) {
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                CompletableFuture.runAsync(() -> {
                    KeyMaterial destroyed = KeyMaterial.random();
                    destroyed.destroy();
                    assertThatThrownBy(() -> {
                        if (failFirstOnDecrypt) {
                            AesGcm.unwrap(destroyed, AAD, wrappedEarlier);
                        } else {
                            AesGcm.wrap(destroyed, AAD, new byte[32]);
                        }
                    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");

                    byte[] secret = "the next key is fine".getBytes(StandardCharsets.UTF_8);
                    try {
                        assertThat(AesGcm.unwrap(good, AAD, AesGcm.wrap(good, AAD, secret))).isEqualTo(secret);
                        assertThat(AesGcm.unwrap(good, AAD, wrappedEarlier)).isEqualTo(new byte[32]);
                    } catch (AEADBadTagException e) {
                        throw new AssertionError(e);
                    }
                }, thread).get();
            } finally {
                thread.shutdownNow();
            }
        }
    }

    @Test
    void aFailedAuthenticationLeavesTheThreadAbleToDecrypt() throws Exception {
        KeyMaterial key = KeyMaterial.random();
        byte[] wrapped = AesGcm.wrap(key, AAD, new byte[] {1, 2, 3});
        byte[] altered = wrapped.clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> AesGcm.unwrap(key, AAD, altered)).isInstanceOf(AEADBadTagException.class);
        assertThat(AesGcm.unwrap(key, AAD, wrapped)).containsExactly(1, 2, 3);
    }
}
