package dev.cairn.pageserver;

import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.store.CorruptValueException;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageNotFoundException;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stored values are authenticated: damage, a moved value or a wrong key give typed errors, never a wrong page. */
class StoredValueIntegrityTest {
    private static final TimelineKey TL = new TimelineKey(Id128.random(), Id128.random());
    private static final RelFork REL = new RelFork(new RelFileLocator(1663, 5, 16384), ForkNumber.MAIN);
    private static final Lsn V1 = Lsn.of(0x1000);
    private static final Lsn V2 = Lsn.of(0x2000);
    private final Path dir = Computes.scratch("cairn-integrity");
    private final byte[] key = new byte[32];
    private final byte[][] pages = new byte[3][];

    StoredValueIntegrityTest() {
        new SecureRandom().nextBytes(key);
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new byte[PgConstants.BLCKSZ];
            r.nextBytes(pages[i]);
        }
    }

    @AfterEach
    void cleanUp() {
        ScratchDirectory.deleteTree(dir);
    }

    private void writeSample(PageStore store) {
        WriteSet w = store.newWriteSet();
        w.put(KeyCodec.relSize(TL, REL, V1), new RelState(2, V1).encode());
        w.put(KeyCodec.page(TL, REL, 0, V1), pages[0]);
        w.put(KeyCodec.page(TL, REL, 1, V1), pages[1]);
        w.commit();
        w.put(KeyCodec.page(TL, REL, 0, V2), pages[2]);
        w.commit();
    }

    @Test
    void getPageAtLsnReadsTheNewestVersionAtOrBefore() {
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(7, key))) {
            writeSample(store);
            Timeline t = new Timeline(store, TL);
            assertThat(t.page(REL, 0, V1)).isEqualTo(pages[0]);
            assertThat(t.page(REL, 0, V2.plus(-1))).isEqualTo(pages[0]);
            assertThat(t.page(REL, 0, V2)).isEqualTo(pages[2]);
            assertThat(t.page(REL, 0, Lsn.of(Long.MAX_VALUE))).isEqualTo(pages[2]);
            assertThat(t.page(REL, 1, V2)).isEqualTo(pages[1]);
            assertThatThrownBy(() -> t.page(REL, 2, V2)).isInstanceOf(PageNotFoundException.class)
                    .hasMessageContaining("has 2 blocks");
            assertThatThrownBy(() -> t.page(REL, 0, V1.plus(-1))).isInstanceOf(PageNotFoundException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void aFlippedBitIsATypedErrorNamingTheKey() {
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(7, key))) {
            writeSample(store);
            byte[] k = KeyCodec.page(TL, REL, 0, V2);
            byte[] stored = store.rawGet(k);
            stored[stored.length / 2] ^= 0x10;
            store.rawPut(k, stored);
            Timeline t = new Timeline(store, TL);
            assertThatThrownBy(() -> t.page(REL, 0, V2)).isInstanceOf(CorruptValueException.class)
                    .hasMessageContaining("page " + REL + " blk 0 @" + V2).hasMessageContaining(TL.toString())
                    .hasMessageContaining("authentication failed");
            assertThat(t.page(REL, 1, V2)).isEqualTo(pages[1]);
        }
    }

    @Test
    void aValueMovedToAnotherKeyDoesNotAuthenticate() {
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(7, key))) {
            writeSample(store);
            store.rawPut(KeyCodec.page(TL, REL, 1, V1), store.rawGet(KeyCodec.page(TL, REL, 0, V1)));
            assertThatThrownBy(() -> new Timeline(store, TL).page(REL, 1, V1)).isInstanceOf(CorruptValueException.class)
                    .hasMessageContaining("blk 1");
        }
    }

    @Test
    void aWrongKeyIsATypedErrorNeverAPage() {
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(7, key))) {
            writeSample(store);
        }
        byte[] other = key.clone();
        other[0] ^= 1;
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(7, other))) {
            assertThatThrownBy(() -> new Timeline(store, TL).page(REL, 0, V2)).isInstanceOf(CorruptValueException.class)
                    .hasMessageContaining("relation size " + REL);
        }
        try (PageStore store = PageStore.open(dir, new AesGcmValueCipher(8, key))) {
            assertThatThrownBy(() -> new Timeline(store, TL).page(REL, 0, V2)).isInstanceOf(CorruptValueException.class)
                    .hasMessageContaining("sealed under key 7");
        }
    }

    @Test
    void keysSortByTimelineThenEntityThenLsn() {
        byte[] a = KeyCodec.page(TL, REL, 1, Lsn.of(0xFFFF_FFFFL));
        byte[] b = KeyCodec.page(TL, REL, 1, Lsn.of(0x1_0000_0000L));
        byte[] c = KeyCodec.page(TL, REL, 2, Lsn.of(1));
        byte[] d = KeyCodec.page(TL, REL.withFork(ForkNumber.FSM), 0, Lsn.of(1));
        byte[] e = KeyCodec.page(TL, new RelFork(new RelFileLocator(1663, 5, 0x8000_0000L), ForkNumber.MAIN), 0, Lsn.of(1));
        assertThat(Arrays.compareUnsigned(a, b)).isNegative();
        assertThat(Arrays.compareUnsigned(b, c)).isNegative();
        assertThat(Arrays.compareUnsigned(c, d)).isNegative();
        assertThat(Arrays.compareUnsigned(d, e)).isNegative();
        assertThat(KeyCodec.sameEntity(a, b)).isTrue();
        assertThat(KeyCodec.sameEntity(b, c)).isFalse();
        assertThat(KeyCodec.relForkOf(e).rel().relNumber()).isEqualTo(0x8000_0000L);
        assertThat(KeyCodec.blockOf(c)).isEqualTo(2);
        assertThat(KeyCodec.lsnOf(b)).isEqualTo(Lsn.of(0x1_0000_0000L));
    }
}
