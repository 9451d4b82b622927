package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.wal.WalFormatException.Cause;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Bad input never yields wrong records, foreign exceptions or hangs: the
 * reader answers with a {@link WalFormatException} that names the LSN and cause.
 */
class WalCorruptionTest {
    private static final int SEG = PgConstants.DEFAULT_WAL_SEGMENT_SIZE;
    private static byte[] segment;
    private static Lsn segmentStart;
    private static List<DecodedRecord> reference;

    @BeforeAll
    static void readReference() {
        SampleWal wal = SampleWal.get();
        segment = wal.firstSegment;
        segmentStart = WalSegmentName.parse(wal.segments.get(0).getFileName().toString(), SEG).startLsn();
        reference = decodeAll(segment, segment.length);
        assertThat(reference).hasSizeGreaterThan(1000);
    }

    /** Decodes a (possibly damaged) copy of the first segment; returns records until the first error. */
    private static List<DecodedRecord> decodeAll(byte[] bytes, int length) {
        WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
        d.feed(bytes, 0, length);
        List<DecodedRecord> out = new ArrayList<>();
        try {
            DecodedRecord r;
            while ((r = d.next()) != null) {
                out.add(r);
            }
        } catch (WalFormatException e) {
            // end of valid WAL in the segment: zeroed tail
        }
        return out;
    }

    private static WalFormatException decodeExpectingError(byte[] bytes) {
        WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
        d.feed(bytes, 0, bytes.length);
        try {
            while (d.next() != null) {
                // keep going until the damage is hit
            }
        } catch (WalFormatException e) {
            return e;
        }
        return fail("no error");
    }

    private static DecodedRecord recordSpanningPages() {
        return reference.stream()
                .filter(r -> r.lsn().value() / PgConstants.XLOG_BLCKSZ != (r.endLsn().value() - 1) / PgConstants.XLOG_BLCKSZ)
                .skip(3).findFirst().orElseThrow();
    }

    private static int offsetOf(Lsn lsn) {
        return (int) (lsn.value() - segmentStart.value());
    }

    @Test
    void feedingInSmallPiecesGivesTheSameRecordsAsAllAtOnce() {
        WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
        Random rnd = new Random(7);
        List<DecodedRecord> out = new ArrayList<>();
        int at = 0;
        int end = offsetOf(reference.get(reference.size() - 1).endLsn());
        while (at < end) {
            int n = Math.min(end - at, 1 + rnd.nextInt(3000));
            d.feed(segment, at, n);
            at += n;
            DecodedRecord r;
            while ((r = d.next()) != null) {
                out.add(r);
            }
        }
        assertThat(out).extracting(DecodedRecord::lsn).containsExactlyElementsOf(
                reference.stream().map(DecodedRecord::lsn).toList());
        assertThat(d.atRecordBoundary()).isTrue();
    }

    @Test
    void feedingOneByteAtATimeResumesEveryPartialRecordCorrectly() {
        DecodedRecord spanning = recordSpanningPages();
        int end = offsetOf(reference.get(reference.indexOf(spanning) + 2).endLsn());
        WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
        List<DecodedRecord> out = new ArrayList<>();
        for (int at = 0; at < end; at++) {
            d.feed(segment, at, 1);
            DecodedRecord r;
            while ((r = d.next()) != null) {
                out.add(r);
            }
        }
        assertThat(out).hasSize(reference.indexOf(spanning) + 3);
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).bytes()).as("record %s", out.get(i).lsn()).isEqualTo(reference.get(i).bytes());
        }
    }

    @Test
    void streamMayStartAtAnyRecordBoundary() {
        DecodedRecord start = reference.get(reference.size() / 2);
        WalStreamDecoder d = new WalStreamDecoder(start.lsn(), SEG, start.header().prev());
        int off = offsetOf(start.lsn());
        d.feed(segment, off, segment.length - off);
        DecodedRecord first = d.next();
        assertThat(first.lsn()).isEqualTo(start.lsn());
        assertThat(first.header()).isEqualTo(start.header());
        assertThat(d.next().lsn()).isEqualTo(reference.get(reference.size() / 2 + 1).lsn());
    }

    @Test
    void streamStartingAtAPageBoundarySkipsTheRecordContinuedFromBefore() {
        DecodedRecord spanning = recordSpanningPages();
        long page = (spanning.lsn().value() / PgConstants.XLOG_BLCKSZ + 1) * PgConstants.XLOG_BLCKSZ;
        WalStreamDecoder d = new WalStreamDecoder(Lsn.of(page), SEG);
        int off = offsetOf(Lsn.of(page));
        d.feed(segment, off, segment.length - off);
        DecodedRecord first = d.next();
        DecodedRecord expected = reference.get(reference.indexOf(spanning) + 1);
        assertThat(first.lsn()).isEqualTo(expected.lsn());
    }

    @Test
    void wrongPrevLinkIsRejected() {
        DecodedRecord start = reference.get(100);
        WalStreamDecoder d = new WalStreamDecoder(start.lsn(), SEG, Lsn.of(start.header().prev().value() - 8));
        int off = offsetOf(start.lsn());
        d.feed(segment, off, segment.length - off);
        assertThatThrownBy(d::next).isInstanceOfSatisfying(WalFormatException.class, e -> {
            assertThat(e.reason()).isEqualTo(Cause.BAD_RECORD_HEADER);
            assertThat(e.lsn()).isEqualTo(start.lsn());
            assertThat(e.getMessage()).contains("prev-link");
        });
    }

    @Test
    void truncatedInputNeedsMoreBytesAndFileReaderNamesTheMissingSegment() {
        DecodedRecord spanning = recordSpanningPages();
        int cut = offsetOf(spanning.lsn()) + 100;
        List<DecodedRecord> got = decodeAll(segment, cut);
        assertThat(got).last().extracting(DecodedRecord::lsn)
                .isEqualTo(reference.get(reference.indexOf(spanning) - 1).lsn());
        WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
        d.feed(segment, 0, cut);
        while (d.next() != null) {
            // drain
        }
        assertThat(d.atRecordBoundary()).as("a record is half-fed").isFalse();
        assertThat(d.position()).isEqualTo(spanning.lsn());
    }

    @Test
    void flippedBitInARecordIsACrcError() {
        DecodedRecord victim = reference.get(500);
        byte[] bad = segment.clone();
        bad[offsetOf(victim.lsn()) + victim.totalLength() - 1] ^= 0x10;
        WalFormatException e = decodeExpectingError(bad);
        assertThat(e.reason()).isEqualTo(Cause.BAD_CRC);
        assertThat(e.lsn()).isEqualTo(victim.lsn());
    }

    @Test
    void zeroedRangeEndsTheWalAtTheFirstZeroedRecord() {
        DecodedRecord victim = reference.get(700);
        byte[] bad = segment.clone();
        Arrays.fill(bad, offsetOf(victim.lsn()), offsetOf(victim.lsn()) + 64, (byte) 0);
        WalFormatException e = decodeExpectingError(bad);
        assertThat(e.reason()).isEqualTo(Cause.END_OF_WAL);
        assertThat(e.lsn()).isEqualTo(victim.lsn());
        assertThat(e.getMessage()).contains("invalid record length");
    }

    @Test
    void wrongPageMagicIsNamed() {
        DecodedRecord spanning = recordSpanningPages();
        int page = (offsetOf(spanning.lsn()) / PgConstants.XLOG_BLCKSZ + 1) * PgConstants.XLOG_BLCKSZ;
        byte[] bad = segment.clone();
        bad[page] ^= 0x01;
        WalFormatException e = decodeExpectingError(bad);
        assertThat(e.reason()).isEqualTo(Cause.BAD_PAGE_HEADER);
        assertThat(e.lsn()).isEqualTo(Lsn.of(segmentStart.value() + page));
        assertThat(e.getMessage()).contains("invalid magic number");
    }

    @Test
    void wrongPageAddressIsNamed() {
        int page = 5 * PgConstants.XLOG_BLCKSZ;
        byte[] bad = segment.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(page + 8, 0x7000000L);
        WalFormatException e = decodeExpectingError(bad);
        assertThat(e.reason()).isEqualTo(Cause.BAD_PAGE_HEADER);
        assertThat(e.getMessage()).contains("unexpected pageaddr 0/07000000");
    }

    @Test
    void olderPageAddressOfARecycledSegmentIsTheEndOfWal() {
        DecodedRecord spanning = recordSpanningPages();
        int page = (offsetOf(spanning.lsn()) / PgConstants.XLOG_BLCKSZ + 1) * PgConstants.XLOG_BLCKSZ;
        byte[] recycled = segment.clone();
        ByteBuffer.wrap(recycled).order(ByteOrder.LITTLE_ENDIAN).putLong(page + 8, segmentStart.value() - SEG + page);
        WalFormatException e = decodeExpectingError(recycled);
        assertThat(e.isEndOfWal()).isTrue();
        assertThat(e.lsn()).isEqualTo(Lsn.of(segmentStart.value() + page));
    }

    @Test
    void oversizedRecordLengthsAreRejectedWithoutWaitingForever() {
        DecodedRecord victim = reference.get(300);
        byte[] huge = segment.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(offsetOf(victim.lsn()), 0x7FFFFFF0);
        WalFormatException e = decodeExpectingError(huge);
        assertThat(e.reason()).isEqualTo(Cause.BAD_RECORD_HEADER);
        assertThat(e.getMessage()).contains("too long");

        // Big but plausible: the next page header has no continuation for it.
        byte[] big = segment.clone();
        ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).putInt(offsetOf(victim.lsn()), 50_000_000);
        WalFormatException e2 = decodeExpectingError(big);
        assertThat(e2.lsn().value()).isGreaterThanOrEqualTo(victim.lsn().value());
    }

    @Test
    void randomBytesAreNotWal() {
        byte[] noise = new byte[4 * PgConstants.XLOG_BLCKSZ];
        new Random(1).nextBytes(noise);
        WalFormatException e = decodeExpectingError(noise);
        assertThat(e.reason()).isEqualTo(Cause.BAD_PAGE_HEADER);
        assertThat(e.lsn()).isEqualTo(segmentStart);
    }

    @Test
    void corruptCompressedImagesAreBadImages() {
        DecodedRecord withImage = reference.stream()
                .filter(r -> r.blocks().stream().anyMatch(b -> b.imageCompression() == ImageCompression.LZ4))
                .findFirst().orElseThrow();
        BlockReference b = withImage.blocks().stream().filter(BlockReference::hasImage).findFirst().orElseThrow();
        byte[] recordBytes = withImage.bytes().clone();
        for (int i = 0; i < Math.min(16, b.imageStoredLength()); i++) {
            recordBytes[b.imageOffset() + i] = (byte) 0xFF;
        }
        BlockReference damaged = new BlockReference(b.blockId(), b.rel(), b.forkNumber(), b.blockNumber(), b.forkFlags(),
                b.imageInfo(), b.imageStoredLength(), b.holeOffset(), b.holeLength(), recordBytes, b.imageOffset(),
                b.dataOffset(), b.dataLength());
        assertThatThrownBy(() -> FullPageImage.restore(withImage.lsn(), damaged))
                .isInstanceOfSatisfying(WalFormatException.class, e -> assertThat(e.reason()).isEqualTo(Cause.BAD_IMAGE));
        for (int flag : new int[] {BlockReference.BKPIMAGE_COMPRESS_PGLZ, BlockReference.BKPIMAGE_COMPRESS_ZSTD}) {
            BlockReference other = new BlockReference(b.blockId(), b.rel(), b.forkNumber(), b.blockNumber(), b.forkFlags(),
                    (b.imageInfo() & ~BlockReference.BKPIMAGE_COMPRESS_LZ4) | flag, b.imageStoredLength(), b.holeOffset(),
                    b.holeLength(), recordBytes, b.imageOffset(), b.dataOffset(), b.dataLength());
            assertThatThrownBy(() -> FullPageImage.restore(withImage.lsn(), other))
                    .isInstanceOfSatisfying(WalFormatException.class, e -> assertThat(e.reason()).isEqualTo(Cause.BAD_IMAGE));
        }
    }

    /**
     * Thousands of mutated inputs: every outcome is either a record identical
     * to the undamaged one at that LSN, "need more bytes", or a WalFormatException.
     */
    @Test
    void fuzzedInputOnlyEverYieldsTrueRecordsOrTypedErrors() {
        int prefix = Math.min(segment.length, 192 * 1024);
        Random rnd = new Random(20261123);
        Map<Lsn, DecodedRecord> byLsn = new HashMap<>();
        reference.forEach(r -> byLsn.put(r.lsn(), r));
        int errors = 0;
        for (int iteration = 0; iteration < 4000; iteration++) {
            byte[] input = Arrays.copyOf(segment, prefix);
            int mutations = 1 + rnd.nextInt(4);
            for (int m = 0; m < mutations && input.length > 8; m++) {
                int len = input.length;
                int at = rnd.nextInt(len);
                switch (rnd.nextInt(5)) {
                    case 0 -> input[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> input[at] = (byte) rnd.nextInt(256);
                    case 2 -> Arrays.fill(input, at, Math.min(len, at + rnd.nextInt(200)), (byte) 0);
                    case 3 -> ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(Math.min(at, len - 4) & ~7, rnd.nextInt());
                    default -> input = Arrays.copyOf(input, at);
                }
            }
            WalStreamDecoder d = new WalStreamDecoder(segmentStart, SEG);
            int fed = 0;
            try {
                while (fed < input.length) {
                    int n = Math.min(input.length - fed, 1 + rnd.nextInt(20_000));
                    d.feed(input, fed, n);
                    fed += n;
                    DecodedRecord r;
                    while ((r = d.next()) != null) {
                        DecodedRecord same = byLsn.get(r.lsn());
                        if (same == null) {
                            fail("iteration " + iteration + ": decoded a record at " + r.lsn() + " that is not in the original WAL");
                        }
                        assertThat(r.bytes()).as("iteration %d record %s", iteration, r.lsn()).isEqualTo(same.bytes());
                    }
                }
            } catch (WalFormatException e) {
                errors++;
                assertThat(e.lsn()).isNotNull();
            }
        }
        assertThat(errors).as("mutations detected").isGreaterThan(1000);
    }
}
