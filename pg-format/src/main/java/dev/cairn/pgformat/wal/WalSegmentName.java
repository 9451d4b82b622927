package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;

import java.util.regex.Pattern;

/**
 * A WAL segment file name: 8 hex digits of timeline, then the segment number
 * split into "log" and "seg" halves of 8 hex digits each (XLogFileName).
 */
public record WalSegmentName(int timeline, long segmentNumber, int segmentSize) {
    private static final Pattern NAME = Pattern.compile("[0-9A-F]{24}");

    public static boolean looksLikeSegment(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    public static WalSegmentName parse(String fileName, int segmentSize) {
        if (!looksLikeSegment(fileName)) {
            throw new IllegalArgumentException("not a WAL segment file name: " + fileName);
        }
        int tli = (int) Long.parseLong(fileName.substring(0, 8), 16);
        long log = Long.parseLong(fileName.substring(8, 16), 16);
        long seg = Long.parseLong(fileName.substring(16, 24), 16);
        long segmentsPerId = segmentsPerXLogId(segmentSize);
        if (seg >= segmentsPerId) {
            throw new IllegalArgumentException("segment part of " + fileName + " out of range for segment size " + segmentSize);
        }
        return new WalSegmentName(tli, log * segmentsPerId + seg, segmentSize);
    }

    public static WalSegmentName containing(int timeline, Lsn lsn, int segmentSize) {
        return new WalSegmentName(timeline, Long.divideUnsigned(lsn.value(), segmentSize), segmentSize);
    }

    public Lsn startLsn() {
        return Lsn.of(segmentNumber * segmentSize);
    }

    public WalSegmentName next() {
        return new WalSegmentName(timeline, segmentNumber + 1, segmentSize);
    }

    public String fileName() {
        long perId = segmentsPerXLogId(segmentSize);
        return String.format("%08X%08X%08X", timeline, segmentNumber / perId, segmentNumber % perId);
    }

    private static long segmentsPerXLogId(int segmentSize) {
        return 0x100000000L / segmentSize;
    }

    @Override
    public String toString() {
        return fileName();
    }
}
