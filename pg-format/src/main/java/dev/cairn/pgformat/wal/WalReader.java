package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.WalFormatException.Cause;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads records from WAL segment files, in LSN order, one segment in memory
 * at a time. {@link #next()} returns null at the end of the given files when
 * the last record is complete; a record cut off by a missing segment, and any
 * invalid byte, is a {@link WalFormatException} naming the LSN.
 *
 * <p>Like pg_waldump, reading stops at the first invalid record: in a live
 * cluster's pg_wal that is normally where written WAL ends (zeroed or
 * recycled bytes), so callers that read up to "the end" catch the exception
 * and inspect {@link WalFormatException#lsn()}.
 */
public final class WalReader implements AutoCloseable {
    private static final int CHUNK = 1 << 20;

    private final TreeMap<Long, Path> segments;
    private final int segmentSize;
    private final int timeline;
    private final Lsn end;
    private final WalStreamDecoder decoder;
    private long nextSegment;
    private boolean exhausted;
    /** The segment being fed, and how many of its bytes are still to be fed. */
    private FileChannel current;
    private long currentRemaining;

    private WalReader(TreeMap<Long, Path> segments, int segmentSize, int timeline, Lsn start, Lsn end) {
        this.segments = segments;
        this.segmentSize = segmentSize;
        this.timeline = timeline;
        this.end = end;
        this.decoder = new WalStreamDecoder(start, segmentSize);
        this.nextSegment = Long.divideUnsigned(start.value(), segmentSize);
    }

    /** All segment files of the lowest timeline in a directory such as pg_wal, from its first segment. */
    public static WalReader openDirectory(Path dir) {
        return open(listSegments(dir), null, null);
    }

    public static WalReader open(List<Path> segmentFiles) {
        return open(segmentFiles, null, null);
    }

    /**
     * @param segmentFiles segment files of one timeline (any order; gaps end the reading)
     * @param start first record to read (a record or page boundary), or null for the start of the first file
     * @param end   stop before records ending after this LSN, or null for no limit
     */
    public static WalReader open(List<Path> segmentFiles, Lsn start, Lsn end) {
        if (segmentFiles.isEmpty()) {
            throw new IllegalArgumentException("no WAL segment files given");
        }
        int segmentSize = segmentSizeOf(segmentFiles.get(0));
        TreeMap<Long, Path> bySegment = new TreeMap<>(Long::compareUnsigned);
        Integer timeline = null;
        for (Path f : segmentFiles) {
            WalSegmentName name = WalSegmentName.parse(f.getFileName().toString(), segmentSize);
            if (timeline == null) {
                timeline = name.timeline();
            } else if (timeline != name.timeline()) {
                throw new IllegalArgumentException("WAL files from different timelines: " + segmentFiles.get(0).getFileName()
                        + " and " + f.getFileName());
            }
            bySegment.put(name.segmentNumber(), f);
        }
        Lsn from = start != null ? start : new WalSegmentName(timeline, bySegment.firstKey(), segmentSize).startLsn();
        return new WalReader(bySegment, segmentSize, timeline, from, end);
    }

    /** The segment files in a directory, sorted, restricted to the lowest timeline present. */
    public static List<Path> listSegments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(f -> WalSegmentName.looksLikeSegment(f.getFileName().toString()))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .toList();
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no WAL segment files in " + dir);
            }
            String tli = all.get(0).getFileName().toString().substring(0, 8);
            return all.stream().filter(f -> f.getFileName().toString().startsWith(tli)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list WAL directory " + dir, e);
        }
    }

    public int segmentSize() {
        return segmentSize;
    }

    public int timeline() {
        return timeline;
    }

    /**
     * Like {@link #next()}, but null also where written WAL ends (the pages after the last record are zeroed
     * or left from a recycled segment), which {@link #next()} reports as an end-of-WAL error: for readers
     * that want every record and nothing about where the WAL stops.
     */
    public DecodedRecord nextUntilEndOfWal() {
        try {
            return next();
        } catch (WalFormatException e) {
            if (e.isEndOfWal()) {
                exhausted = true;
                return null;
            }
            throw e;
        }
    }

    /** The next record, or null at the end of the files (or past the end LSN). */
    public DecodedRecord next() {
        if (exhausted) {
            return null;
        }
        while (true) {
            DecodedRecord r = decoder.next();
            if (r != null) {
                if (end != null && r.endLsn().isAfter(end)) {
                    exhausted = true;
                    return null;
                }
                return r;
            }
            if (!feedMore()) {
                exhausted = true;
                if (!decoder.atRecordBoundary()) {
                    throw new WalFormatException(decoder.position(), Cause.TRUNCATED,
                            "WAL ends inside a record: segment "
                                    + new WalSegmentName(timeline, nextSegment, segmentSize).fileName() + " is missing");
                }
                return null;
            }
        }
    }

    /** Where the next record would be read. */
    public Lsn position() {
        return decoder.position();
    }

    /**
     * Feeds the decoder the next chunk of WAL. Chunks keep the decoder's buffer
     * small (cache-friendly, cheap for the GC) whatever the segment size.
     */
    private boolean feedMore() {
        try {
            if (current == null && !openNextSegment()) {
                return false;
            }
            int n = (int) Math.min(CHUNK, currentRemaining);
            decoder.feed(current, n);
            currentRemaining -= n;
            if (currentRemaining == 0) {
                current.close();
                current = null;
                nextSegment++;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read WAL segment "
                    + new WalSegmentName(timeline, nextSegment, segmentSize).fileName(), e);
        }
    }

    private boolean openNextSegment() throws IOException {
        Path file = segments.get(nextSegment);
        if (file == null) {
            return false;
        }
        long segStart = nextSegment * segmentSize;
        long from = Math.max(decoder.fedUpTo().value(), segStart) - segStart;
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long size = ch.size();
        if (size != segmentSize) {
            ch.close();
            throw new WalFormatException(Lsn.of(segStart), Cause.TRUNCATED, "segment file " + file
                    + " has " + size + " bytes, expected " + segmentSize);
        }
        ch.position(from);
        current = ch;
        currentRemaining = segmentSize - from;
        return true;
    }

    private static int segmentSizeOf(Path file) {
        try {
            long size = Files.size(file);
            if (size < 1024 * 1024 || size > 1024L * 1024 * 1024 || Long.bitCount(size) != 1) {
                throw new WalFormatException(Lsn.INVALID, Cause.TRUNCATED, "WAL segment file " + file + " has size " + size
                        + " bytes; a segment is a power of two between 1 MB and 1 GB");
            }
            return (int) size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat WAL segment " + file, e);
        }
    }

    @Override
    public void close() {
        exhausted = true;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // read-only channel: nothing was written that could be lost
            }
            current = null;
        }
    }
}
