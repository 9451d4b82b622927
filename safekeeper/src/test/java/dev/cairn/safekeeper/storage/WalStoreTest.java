package dev.cairn.safekeeper.storage;

import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalStoreTest {
    private static final int SEG = 1 << 16;
    private static final TimelineKey TL = new TimelineKey(Id128.parse("0123456789abcdef0123456789abcdef"),
            Id128.parse("fedcba9876543210fedcba9876543210"));
    private static final Lsn START = Lsn.of(3L * SEG + 40); // mid-segment, like a timeline start after import
    private final byte[] key = AesGcmChunkCipher.randomKey();

    @TempDir
    Path dir;

    private WalStore open() {
        return WalStore.open(dir, TL, SEG, new AesGcmChunkCipher(key));
    }

    /** Writes ~200 KiB in random pieces (crossing segments), flushing sometimes; returns the bytes. */
    private byte[] fill(WalStore w, long seed) {
        Random r = new Random(seed);
        byte[] all = new byte[200_000];
        r.nextBytes(all);
        w.truncate(START);
        int pos = 0;
        while (pos < all.length) {
            int n = Math.min(all.length - pos, 1 + r.nextInt(9000));
            w.write(START.plus(pos), Arrays.copyOfRange(all, pos, pos + n));
            pos += n;
            if (r.nextInt(3) == 0) {
                w.flush();
            }
        }
        w.flush();
        return all;
    }

    @Test
    void readsOfManySmallChunksSeeTheNewestBytesWhetherJustWrittenOrDecryptedFromDisk() {
        byte[] all;
        Lsn cut = START.plus(123_457);
        byte[] rewritten = new byte[40_000];
        new Random(8).nextBytes(rewritten);
        try (WalStore w = open()) {
            all = fill(w, 7);
            assertRandomReads(w, all, 9);
            // a truncation mid-chunk and other bytes at the same LSNs: nothing of the old tail may be served
            w.truncate(cut);
            w.write(cut, rewritten);
            w.flush();
            System.arraycopy(rewritten, 0, all, (int) cut.minus(START), rewritten.length);
            all = Arrays.copyOf(all, (int) cut.minus(START) + rewritten.length);
            assertRandomReads(w, all, 10);
        }
        try (WalStore w = open()) { // reopened: every read decrypts
            assertRandomReads(w, all, 11);
        }
    }

    private static void assertRandomReads(WalStore w, byte[] all, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 300; i++) {
            int from = r.nextInt(all.length);
            int to = from + r.nextInt(Math.min(20_000, all.length - from) + 1);
            assertThat(w.read(START.plus(from), START.plus(to))).as("read %d..%d", from, to)
                    .isEqualTo(Arrays.copyOfRange(all, from, to));
        }
    }

    @Test
    void aTruncationWhoseResealFailsLeavesTheWalUntouched() {
        boolean[] refuse = {false};
        AesGcmChunkCipher real = new AesGcmChunkCipher(key);
        WalChunkCipher revocable = new WalChunkCipher() {
            @Override
            public byte[] seal(ChunkBinding binding, byte[] plaintext) {
                if (refuse[0]) {
                    throw new IllegalStateException("test: keys revoked");
                }
                return real.seal(binding, plaintext);
            }

            @Override
            public byte[] open(ChunkBinding binding, byte[] sealed) throws ChunkAuthenticationException {
                return real.open(binding, sealed);
            }
        };
        byte[] all;
        try (WalStore w = WalStore.open(dir, TL, SEG, revocable)) {
            byte[] first = fill(w, 3);
            byte[] last = new byte[5000]; // one chunk, within one segment
            new Random(4).nextBytes(last);
            w.write(w.end(), last);
            w.flush();
            all = Arrays.copyOf(first, first.length + last.length);
            System.arraycopy(last, 0, all, first.length, last.length);
            refuse[0] = true;
            // the cut falls inside that chunk, whose kept head must be sealed again
            assertThatThrownBy(() -> w.truncate(START.plus(first.length + 2500))).hasMessageContaining("revoked");
        }
        try (WalStore w = open()) { // reopened from disk after the fail-stop
            assertThat(w.end()).as("nothing cut before the re-seal could happen").isEqualTo(START.plus(all.length));
            assertThat(w.read(START, w.end())).isEqualTo(all);
        }
    }

    @Test
    void roundTripAcrossSegmentsAndRestart() {
        byte[] all;
        try (WalStore w = open()) {
            all = fill(w, 1);
            assertThat(w.read(START.plus(100), START.plus(150_000))).isEqualTo(Arrays.copyOfRange(all, 100, 150_000));
        }
        try (WalStore w = open()) {
            assertThat(w.recovery().cutBytes()).isZero();
            assertThat(w.start()).isEqualTo(START);
            assertThat(w.end()).isEqualTo(START.plus(all.length));
            assertThat(w.read(START, w.end())).isEqualTo(all);
        }
    }

    @Test
    void atRestTheWalIsCiphertext() throws IOException {
        try (WalStore w = open()) {
            w.truncate(START);
            w.write(START, "INSERT INTO secrets VALUES ('hunter2')".repeat(50).getBytes());
            w.flush();
        }
        for (Path p : segments()) {
            assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        }
    }

    @Test
    void tornTailIsCutAndReported() throws IOException {
        byte[] all;
        try (WalStore w = open()) {
            all = fill(w, 2);
        }
        Path last = segments().getLast();
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size - 7); // the last frame lost its final bytes
        }
        try (WalStore w = open()) {
            WalStore.Recovery rec = w.recovery();
            assertThat(rec.cutBytes()).isPositive();
            assertThat(rec.cutReason()).contains("torn");
            assertThat(w.end()).isLessThan(START.plus(all.length));
            int kept = (int) w.end().minus(START);
            assertThat(w.read(START, w.end())).isEqualTo(Arrays.copyOf(all, kept));
            // the store continues cleanly after the cut
            w.write(w.end(), new byte[]{1, 2, 3});
            w.flush();
        }
        try (WalStore w = open()) {
            assertThat(w.recovery().cutBytes()).isZero();
        }
    }

    @Test
    void readOnlyOpenReportsATornTailButChangesNothing() throws IOException {
        byte[] all;
        try (WalStore w = open()) {
            all = fill(w, 5);
        }
        Path last = segments().getLast();
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(Files.size(last) - 5);
        }
        List<Path> before = segments();
        long tornSize = Files.size(last);
        try (WalStore w = WalStore.openReadOnly(dir, TL, SEG, new AesGcmChunkCipher(key))) {
            assertThat(w.recovery().cutReason()).contains("torn");
            assertThat(w.read(START, w.end())).isEqualTo(Arrays.copyOf(all, (int) w.end().minus(START)));
        }
        assertThat(segments()).isEqualTo(before);
        assertThat(Files.size(last)).isEqualTo(tornSize);
        assertThatThrownBy(() -> WalStore.openReadOnly(dir.resolve("missing"), TL, SEG, new AesGcmChunkCipher(key)))
                .isInstanceOf(WalUnreadableException.class).hasMessageContaining("no WAL directory");
    }

    @Test
    void bitFlipCutsFromTheDamagedChunkAndDropsLaterSegments() throws IOException {
        byte[] all;
        try (WalStore w = open()) {
            all = fill(w, 3);
        }
        List<Path> segs = segments();
        assertThat(segs.size()).isGreaterThan(2);
        Path victim = segs.get(1);
        flip(victim, WalStore.SEGMENT_HEADER + WalStore.FRAME_HEADER + 100); // inside the first chunk's ciphertext
        try (WalStore w = open()) {
            WalStore.Recovery rec = w.recovery();
            assertThat(rec.cutReason()).contains("checksum");
            Lsn victimStart = Lsn.of(4L * SEG); // the second file is segment 4
            assertThat(w.end()).isEqualTo(victimStart);
            assertThat(w.read(START, w.end())).isEqualTo(Arrays.copyOf(all, (int) victimStart.minus(START)));
        }
        assertThat(segments()).hasSize(1);
    }

    @Test
    void flipInAFrameHeaderIsCaughtToo() throws IOException {
        try (WalStore w = open()) {
            fill(w, 4);
        }
        flip(segments().getFirst(), WalStore.SEGMENT_HEADER + 5); // the first chunk's start LSN
        try (WalStore w = open()) {
            assertThat(w.end()).isEqualTo(Lsn.INVALID);
            assertThat(w.recovery().cutBytes()).isPositive();
        }
    }

    @Test
    void authenticationFailureWithValidChecksumIsAHardErrorNotACut() throws IOException {
        try (WalStore w = open()) {
            fill(w, 5);
        }
        assertThatThrownBy(() -> WalStore.open(dir, TL, SEG, new AesGcmChunkCipher(AesGcmChunkCipher.randomKey())))
                .isInstanceOf(WalUnreadableException.class).hasMessageContaining("authentication");
        // Re-pointing a chunk at another LSN (with a recomputed checksum) fails authentication as well.
        Path first = segments().getFirst();
        byte[] raw = Files.readAllBytes(first);
        ByteBuffer b = ByteBuffer.wrap(raw);
        int off = WalStore.SEGMENT_HEADER;
        int sealedLen = b.getInt(off + 16);
        b.putLong(off + 4, b.getLong(off + 4) + 1);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(raw, off, WalStore.FRAME_HEADER - 4);
        c.update(raw, off + WalStore.FRAME_HEADER, sealedLen);
        b.putInt(off + 20, (int) c.getValue());
        Files.write(first, raw);
        assertThatThrownBy(this::open).isInstanceOf(WalUnreadableException.class);
        // Nothing was cut.
        assertThat(Files.size(first)).isEqualTo(raw.length);
    }

    @Test
    void truncateInsideAChunkKeepsTheHeadAndSurvivesRestart() {
        byte[] all;
        Lsn cut = START.plus(70_001);
        try (WalStore w = open()) {
            all = fill(w, 6);
            w.truncate(cut);
            assertThat(w.end()).isEqualTo(cut);
            w.write(cut, new byte[]{9, 9, 9});
            w.flush();
        }
        try (WalStore w = open()) {
            assertThat(w.end()).isEqualTo(cut.plus(3));
            byte[] expect = Arrays.copyOf(Arrays.copyOf(all, 70_001), 70_004);
            expect[70_001] = 9;
            expect[70_002] = 9;
            expect[70_003] = 9;
            assertThat(w.read(START, w.end())).isEqualTo(expect);
        }
    }

    @Test
    void segmentOfAnotherTimelineIsRefused() {
        try (WalStore w = open()) {
            fill(w, 7);
        }
        TimelineKey other = new TimelineKey(TL.tenant(), Id128.parse("00000000000000000000000000000001"));
        assertThatThrownBy(() -> WalStore.open(dir, other, SEG, new AesGcmChunkCipher(key)))
                .isInstanceOf(WalUnreadableException.class).hasMessageContaining("another timeline");
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".cwal")).sorted().toList();
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
    }
}
