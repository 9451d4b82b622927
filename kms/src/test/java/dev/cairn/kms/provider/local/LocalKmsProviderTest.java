package dev.cairn.kms.provider.local;

import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKmsProviderTest {
    static final KeyRef KEY = KeyRef.local("k");
    static final WrapContext CTX = new WrapContext(Id128.parse("e358efa489f58062f10dd7316b65649e") /* t */, "kek");

    @TempDir
    Path dir;

    @Test
    void versionsDisableEnableDestroy() throws Exception {
        LocalKmsProvider p = new LocalKmsProvider(dir.resolve("local-kms.json"), false, InstantSource.system());
        assertThatThrownBy(() -> p.wrap(KEY, new byte[32], CTX)).isInstanceOf(KmsKeyRevokedException.class);
        p.createKey("k");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p.file()))).isEqualTo("rw-------");
        byte[] secret = new byte[32];
        secret[0] = 42;
        WrappedKey v1 = p.wrap(KEY, secret, CTX);
        assertThat(v1.keyVersion()).isEqualTo("1");
        assertThat(p.rotateKey("k")).isEqualTo(2);
        WrappedKey v2 = p.wrap(KEY, secret, CTX);
        assertThat(v2.keyVersion()).isEqualTo("2");
        assertThat(p.describe(KEY)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(KeyStatus.ENABLED);
            assertThat(d.primaryVersion()).isEqualTo("2");
        });
        assertThat(p.unwrap(v1, CTX)).isEqualTo(secret);
        assertThat(p.unwrap(v2, CTX)).isEqualTo(secret);
        assertThatThrownBy(() -> p.unwrap(v2, new WrapContext(Id128.parse("795f3202b17cb6bc3d4b771d8c6c9eaf") /* other */, "kek")))
                .isInstanceOf(KmsRejectedException.class);
        p.disableKey("k");
        assertThat(p.describe(KEY).status()).isEqualTo(KeyStatus.DISABLED);
        assertThatThrownBy(() -> p.unwrap(v1, CTX)).isInstanceOf(KmsKeyRevokedException.class);
        p.enableKey("k");
        assertThat(p.unwrap(v1, CTX)).isEqualTo(secret);
        p.destroyKey("k");
        assertThatThrownBy(() -> p.unwrap(v1, CTX)).isInstanceOf(KmsKeyRevokedException.class);
        assertThat(Files.readString(p.file())).doesNotContain("\"material\" : \"");
    }

    @Test
    void providersSharingAKeyringCreateOneKeyWhenRacingForIt() throws Exception {
        Path file = dir.resolve("shared-kms.json");
        int n = 8;
        java.util.List<LocalKmsProvider> providers = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            providers.add(new LocalKmsProvider(file, true, InstantSource.system())); // as separate services would
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        java.util.List<java.util.concurrent.Future<WrappedKey>> wraps = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            for (LocalKmsProvider p : providers) {
                wraps.add(pool.submit(() -> {
                    start.await();
                    return p.wrap(KeyRef.local("tenant-race"), new byte[32], new WrapContext(Id128.parse("2e2a7a2e57d1578bf33a559b20c463f6") /* race */, "kek"));
                }));
            }
        }
        // every service's KEK must still unwrap: none was wrapped under a key version another one overwrote
        for (var w : wraps) {
            assertThat(providers.get(0).unwrap(w.get(), new WrapContext(Id128.parse("2e2a7a2e57d1578bf33a559b20c463f6") /* race */, "kek"))).hasSize(32);
        }
    }

    @Test
    void anOutageMarkerMakesEveryCallFailAsTransientUntilRemoved() throws Exception {
        LocalKmsProvider p = new LocalKmsProvider(dir.resolve("local-kms.json"), true, InstantSource.system());
        WrappedKey w = p.wrap(KEY, new byte[32], CTX);
        Files.writeString(p.outageMarker(), "down");
        assertThatThrownBy(() -> p.unwrap(w, CTX)).isInstanceOf(dev.cairn.kms.provider.KmsTransientException.class)
                .hasMessageContaining("outage");
        assertThatThrownBy(() -> p.wrap(KEY, new byte[32], CTX)).isInstanceOf(dev.cairn.kms.provider.KmsTransientException.class);
        Files.delete(p.outageMarker());
        assertThat(p.unwrap(w, CTX)).hasSize(32);
    }
}
