package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.wal.WalPageHeader;

/**
 * Where a WAL record may start. Records are MAXALIGNed and never start on a
 * page boundary or inside a page header: the first record position on a page
 * is right after its header (40 bytes on a segment's first page, 24 elsewhere).
 */
public final class RecordPosition {
    private RecordPosition() {
    }

    /** The size of the page header of the WAL page that starts at or contains {@code lsn}. */
    public static int pageHeaderSize(Lsn lsn, int segmentSize) {
        long pageStart = lsn.value() - lsn.pageOffset(PgConstants.XLOG_BLCKSZ);
        return Long.remainderUnsigned(pageStart, segmentSize) == 0 ? WalPageHeader.LONG_SIZE : WalPageHeader.SHORT_SIZE;
    }

    /**
     * The first position at or after {@code lsn} where a record can start: a
     * position on a page boundary or inside a page header moves to just after
     * the header; any other position is MAXALIGNed up (which may in turn reach
     * the next page boundary, and then moves past that page's header).
     */
    public static Lsn firstAtOrAfter(Lsn lsn, int segmentSize) {
        requireSegmentSize(segmentSize);
        Lsn aligned = Lsn.of(PgConstants.maxAlign(lsn.value()));
        int offset = aligned.pageOffset(PgConstants.XLOG_BLCKSZ);
        int header = pageHeaderSize(aligned, segmentSize);
        return offset < header ? aligned.plus(header - offset) : aligned;
    }

    /**
     * Where a {@code WalStreamDecoder} fed with the WAL from {@code lsn} on (a record end) starts: a page
     * boundary as is, since its header says whether a record continues there; any other position at the
     * first place a record can start.
     */
    public static Lsn decoderStart(Lsn lsn, int segmentSize) {
        return lsn.pageOffset(PgConstants.XLOG_BLCKSZ) == 0 ? lsn : firstAtOrAfter(lsn, segmentSize);
    }

    /** True if a record can start at {@code lsn}. */
    public static boolean isValid(Lsn lsn, int segmentSize) {
        return lsn.isValid() && firstAtOrAfter(lsn, segmentSize).equals(lsn);
    }

    /** Throws an {@link IllegalArgumentException} naming the nearest valid position if a record cannot start at {@code lsn}. */
    public static void requireValid(Lsn lsn, int segmentSize) {
        if (!isValid(lsn, segmentSize)) {
            throw new IllegalArgumentException("a WAL record cannot start at " + lsn
                    + " (records are 8-byte aligned and start after the page header; the first valid position at or after it is "
                    + firstAtOrAfter(lsn, segmentSize) + ")");
        }
    }

    static void requireSegmentSize(int segmentSize) {
        // wal_segment_size: a power of two from 1 MiB to 1 GiB.
        if (Integer.bitCount(segmentSize) != 1 || segmentSize < (1 << 20) || segmentSize > (1 << 30)) {
            throw new IllegalArgumentException("not a valid WAL segment size: " + segmentSize);
        }
    }
}
