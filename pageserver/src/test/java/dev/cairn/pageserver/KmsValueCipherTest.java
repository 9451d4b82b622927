package dev.cairn.pageserver;

import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.store.CorruptValueException;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.ValueKeyException;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values sealed through kms/: per-tenant DEKs, and a revoked tenant is refused with a typed error while others are served. */
class KmsValueCipherTest {
    private static final RelFork REL = new RelFork(new RelFileLocator(1663, 5, 16384), ForkNumber.MAIN);
    private static final Lsn LSN = Lsn.of(0x5000);
    private final Path dir = Computes.scratch("cairn-kms-cipher");

    @AfterEach
    void cleanUp() {
        ScratchDirectory.deleteTree(dir);
    }

    @Test
    void pagesOfARevokedTenantAreRefusedOthersAreServedRestoreBringsThemBack() {
        KeysLayout layout = KeysLayout.under(dir.resolve("keys"));
        LocalKmsProvider local = new LocalKmsProvider(layout.localKms(), true, InstantSource.system());
        TimelineKey t1 = new TimelineKey(Id128.random(), Id128.random());
        TimelineKey t2 = new TimelineKey(Id128.random(), Id128.random());
        byte[] page = new byte[PgConstants.BLCKSZ];
        Arrays.fill(page, (byte) 0x5A);
        try (KeyHierarchy keys = KeyHierarchy.open(KeyHierarchyConfig.builder(dir.resolve("keys"))
                .providers(KmsProviders.of(local)).build());
             PageStore store = PageStore.open(dir.resolve("pageserver"), new KmsValueCipher(keys))) {
            for (TimelineKey t : new TimelineKey[] {t1, t2}) {
                keys.createTenant(t.tenant(), KeyRef.local("cmk"));
                WriteSet w = store.newWriteSet();
                w.put(KeyCodec.relSize(t, REL, LSN), new RelState(1, LSN).encode());
                w.put(KeyCodec.page(t, REL, 0, LSN), page);
                w.commit();
                assertThat(new Timeline(store, t).page(REL, 0, LSN)).isEqualTo(page);
            }
            keys.revoke(t1.tenant(), "test: customer revoked the CMK");
            assertThatThrownBy(() -> new Timeline(store, t1).page(REL, 0, LSN)).isInstanceOf(ValueKeyException.class)
                    .hasMessageContaining(t1.toString()).hasMessageContaining("revoked");
            assertThat(new Timeline(store, t2).page(REL, 0, LSN)).isEqualTo(page);

            keys.restore(t1.tenant());
            assertThat(new Timeline(store, t1).page(REL, 0, LSN)).isEqualTo(page);

            // a value moved between tenants does not authenticate
            store.rawPut(KeyCodec.page(t2, REL, 0, LSN), store.rawGet(KeyCodec.page(t1, REL, 0, LSN)));
            assertThatThrownBy(() -> new Timeline(store, t2).page(REL, 0, LSN)).isInstanceOf(CorruptValueException.class);
        }
    }
}
