package dev.cairn.safekeeper.storage;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WAL sealed under the tenant's DEKs of the real key hierarchy (local provider). */
class KmsChunkCipherTest {
    @TempDir
    Path dir;

    @Test
    void walStoreOverTheKeyHierarchySurvivesRestartAndDekRotation() {
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        Id128 tenant = Id128.parse(tl.tenant().toString());
        Path keys = dir.resolve("keys");
        Lsn start = Lsn.of(0x100_0000L);
        try (KeyHierarchy h = hierarchy(keys)) {
            h.createTenant(tenant, KeyRef.local("cmk-test"));
            try (WalStore w = WalStore.open(dir.resolve("wal"), tl, 1 << 16, new KmsChunkCipher(h, tenant))) {
                w.truncate(start);
                w.write(start, new byte[]{1, 2, 3});
                w.flush();
                h.rotateDek(tenant, KmsChunkCipher.PURPOSE);
                w.write(start.plus(3), new byte[]{4, 5});
                w.flush();
            }
        }
        try (KeyHierarchy h = hierarchy(keys);
             WalStore w = WalStore.open(dir.resolve("wal"), tl, 1 << 16, new KmsChunkCipher(h, tenant))) {
            assertThat(w.end()).isEqualTo(start.plus(5));
            assertThat(w.read(start, w.end())).containsExactly(1, 2, 3, 4, 5);
            ChunkBinding b = new ChunkBinding(tl, start, 3);
            byte[] sealed = new KmsChunkCipher(h, tenant).seal(b, new byte[]{7, 7, 7});
            assertThatThrownBy(() -> new KmsChunkCipher(h, tenant).open(new ChunkBinding(tl, start.plus(1), 3), sealed))
                    .isInstanceOf(ChunkAuthenticationException.class);
        }
    }

    private static KeyHierarchy hierarchy(Path dataDir) {
        KeysLayout layout = KeysLayout.under(dataDir);
        return KeyHierarchy.open(KeyHierarchyConfig.builder(dataDir)
                .providers(KmsProviders.of(new LocalKmsProvider(layout.localKms(), true, Clock.systemUTC())))
                .caller("safekeeper-test")
                .build());
    }
}
