package dev.cairn.pageserver;

import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.gc.GcResult;
import dev.cairn.pageserver.gc.RetentionPolicy;
import dev.cairn.pageserver.read.LsnOutsideRetentionException;
import dev.cairn.pageserver.read.LsnWatch;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GC keeps exactly what reads at or above the horizon need, and refuses reads below it. */
class GarbageCollectorTest {
    private static final TimelineKey TL = new TimelineKey(Id128.random(), Id128.random());
    private static final TimelineKey OTHER = new TimelineKey(Id128.random(), Id128.random());
    private static final RelFork REL = new RelFork(new RelFileLocator(1663, 5, 16384), ForkNumber.MAIN);
    private static final Lsn L1 = Lsn.of(0x1000);
    private static final Lsn L2 = Lsn.of(0x2000);
    private static final Lsn L3 = Lsn.of(0x3000);
    private static final Lsn L4 = Lsn.of(0x4000);
    private static final Lsn END = Lsn.of(0x5000);

    private final Path dir = Computes.scratch("cairn-gc");
    private final byte[] key = new byte[32];
    private final SecureRandom random = new SecureRandom();

    GarbageCollectorTest() {
        random.nextBytes(key);
    }

    @AfterEach
    void cleanUp() {
        ScratchDirectory.deleteTree(dir);
    }

    private byte[] page() {
        byte[] p = new byte[PgConstants.BLCKSZ];
        random.nextBytes(p);
        return p;
    }

    @Test
    void dropsOnlyVersionsSupersededAtOrBelowTheHorizon() {
        try (PageStore store = PageStore.open(dir.resolve("store"), new AesGcmValueCipher(1, key))) {
            byte[][] block0 = {page(), page(), page(), page()};
            byte[] block1 = page();
            byte[] otherTimeline = page();
            WriteSet w = store.newWriteSet();
            Lsn[] lsns = {L1, L2, L3, L4};
            for (int i = 0; i < lsns.length; i++) {
                w.put(KeyCodec.page(TL, REL, 0, lsns[i]), block0[i]);
            }
            w.put(KeyCodec.page(TL, REL, 1, L1), block1);
            w.put(KeyCodec.relSize(TL, REL, L1), new RelState(1, L1).encode());
            w.put(KeyCodec.relSize(TL, REL, L3), new RelState(2, L1).encode());
            w.put(KeyCodec.page(OTHER, REL, 0, L1), otherTimeline);
            w.put(KeyCodec.page(OTHER, REL, 0, L2), page());
            w.put(KeyCodec.position(TL), new IngestPosition(L1, L4, END).encode());
            w.commit();

            Timeline t = new Timeline(store, TL);
            GcResult r = new GarbageCollector(store).collect(t, L3);

            assertThat(r.horizon()).isEqualTo(L3);
            assertThat(r.versionsDropped()).as("block 0 at L1 and L2, rel size at L1").isEqualTo(3);
            assertThat(store.rawGet(KeyCodec.page(TL, REL, 0, L1))).isNull();
            assertThat(store.rawGet(KeyCodec.page(TL, REL, 0, L2))).isNull();
            assertThat(store.rawGet(KeyCodec.relSize(TL, REL, L1))).isNull();
            assertThat(t.page(REL, 0, L3)).isEqualTo(block0[2]);
            assertThat(t.page(REL, 0, END)).isEqualTo(block0[3]);
            assertThat(t.page(REL, 1, L3)).as("the only version, below the horizon, stays").isEqualTo(block1);
            assertThat(t.relState(REL, L3).nblocks()).isEqualTo(2);
            assertThat(store.rawGet(KeyCodec.page(OTHER, REL, 0, L1))).as("other timelines untouched").isNotNull();
            assertThat(t.gcHorizon()).isEqualTo(L3);
        }
    }

    @Test
    void readsBelowTheHorizonAreRefusedAndTheHorizonNeverMovesBack() {
        try (PageStore store = PageStore.open(dir.resolve("store"), new AesGcmValueCipher(1, key))) {
            WriteSet w = store.newWriteSet();
            byte[] p = page();
            w.put(KeyCodec.page(TL, REL, 0, L1), p);
            w.put(KeyCodec.relSize(TL, REL, L1), new RelState(1, L1).encode());
            w.put(KeyCodec.position(TL), new IngestPosition(L1, L4, END).encode());
            w.commit();
            Timeline t = new Timeline(store, TL);
            PageService reads = new PageService(t, new LsnWatch(TL, END), Duration.ofSeconds(1));
            GarbageCollector gc = new GarbageCollector(store);

            assertThat(gc.collect(t, new RetentionPolicy(0x2000)).horizon()).isEqualTo(L3);
            assertThatThrownBy(() -> reads.getPage(REL, 0, L2)).isInstanceOf(LsnOutsideRetentionException.class)
                    .hasMessageContaining("0/00002000").hasMessageContaining("GC horizon 0/00003000");
            assertThat(reads.getPage(REL, 0, L3)).isEqualTo(p);

            GcResult again = gc.collect(t, L2);
            assertThat(again.horizon()).isEqualTo(L3);
            assertThat(again.versionsDropped()).isZero();
            assertThatThrownBy(() -> gc.collect(t, Lsn.of(0x9000))).isInstanceOf(TimelineStateException.class)
                    .hasMessageContaining("beyond the ingested end");
        }
    }

    @Test
    void gcThroughThePageServiceNeverPassesAReadInProgress() throws Exception {
        try (PageStore store = PageStore.open(dir.resolve("store"), new AesGcmValueCipher(1, key))) {
            byte[][] block0 = {page(), page(), page(), page()};
            WriteSet w = store.newWriteSet();
            Lsn[] lsns = {L1, L2, L3, L4};
            for (int i = 0; i < lsns.length; i++) {
                w.put(KeyCodec.page(TL, REL, 0, lsns[i]), block0[i]);
            }
            w.put(KeyCodec.relSize(TL, REL, L1), new RelState(1, L1).encode());
            w.put(KeyCodec.position(TL), new IngestPosition(L1, L4, END).encode());
            w.commit();
            Timeline t = new Timeline(store, TL);
            LsnWatch watch = new LsnWatch(TL, L1); // the service has not seen ingest pass L1 yet
            PageService reads = new PageService(t, watch, Duration.ofSeconds(30));
            // a read at L2 starts and waits for ingest
            java.util.concurrent.CompletableFuture<byte[]> read =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> reads.getPage(REL, 0, L2));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!waitingForIngest(watch)) { // from then on the read holds its LSN against GC
                assertThat(System.nanoTime()).as("the read waits for ingest").isLessThan(deadline);
                Thread.sleep(10);
            }
            GcResult r = reads.collectGarbage(new GarbageCollector(store), L4);

            assertThat(r.horizon()).as("horizon held at the read in progress").isEqualTo(L2);
            assertThat(r.versionsDropped()).as("only block 0 at L1").isEqualTo(1);
            watch.advance(END);
            assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(block0[1]);

            // with no read in progress the next pass reaches the wanted horizon
            assertThat(reads.collectGarbage(new GarbageCollector(store), L4).horizon()).isEqualTo(L4);
            assertThatThrownBy(() -> reads.getPage(REL, 0, L3)).isInstanceOf(LsnOutsideRetentionException.class);
        }
    }

    /** True once a reader is blocked in {@link LsnWatch#await} (it holds the watch's monitor in wait()). */
    private static boolean waitingForIngest(LsnWatch watch) {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getState() == Thread.State.TIMED_WAITING
                && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(LsnWatch.class.getName())));
    }

    @Test
    void retentionLargerThanTheHistoryKeepsEverything() {
        assertThat(new RetentionPolicy(1L << 40).horizon(END)).isEqualTo(Lsn.INVALID);
        assertThat(new RetentionPolicy(0x1000).horizon(END)).isEqualTo(Lsn.of(0x4000));
        assertThatThrownBy(() -> new RetentionPolicy(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
