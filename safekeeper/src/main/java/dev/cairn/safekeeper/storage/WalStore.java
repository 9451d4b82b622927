package dev.cairn.safekeeper.storage;

import dev.cairn.common.AtomicFile;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One timeline's WAL on disk: segment-sized logical files ({@code <segno>.cwal}, 16 hex digits), each a
 * header followed by framed chunks of sealed WAL. A chunk never crosses a segment boundary.
 * <pre>
 *   segment header: "CWSG" | u16 version | tenant(16) | timeline(16) | u64 segno | u32 segment size | u32 CRC-32C
 *   chunk frame:    "CWCK" | u64 start LSN | u32 plaintext length | u32 sealed length
 *                   | u32 CRC-32C of the 20 bytes before and the sealed bytes | sealed bytes
 * </pre>
 * Recovery walks the frames in LSN order. A frame that is incomplete or fails its CRC is a torn or
 * corrupt tail: it and everything after it are cut, and the recovered end is reported. A frame whose CRC
 * holds but which fails authentication is not a torn write (wrong key, or tampering): that is a hard
 * {@link WalUnreadableException}, never silently cut.
 */
public final class WalStore implements AutoCloseable {
    static final int SEGMENT_MAGIC = 0x43575347; // "CWSG"
    static final int CHUNK_MAGIC = 0x4357434B;   // "CWCK"
    static final short VERSION = 1;
    static final int SEGMENT_HEADER = 4 + 2 + 32 + 8 + 4 + 4;
    static final int FRAME_HEADER = 4 + 8 + 4 + 4 + 4;
    /** Largest plaintext per chunk; bigger writes are split. */
    static final int MAX_CHUNK = 256 * 1024;

    /** What recovery found. {@code cutBytes} of WAL file content were dropped from the tail. */
    public record Recovery(Lsn start, Lsn end, long cutBytes, String cutReason) {
    }

    private record Chunk(Lsn start, int length, long offset, int frameLength) {
        Lsn end() {
            return start.plus(length);
        }
    }

    private static final class Segment {
        final long segNo;
        final Path path;
        final FileChannel channel;
        final List<Chunk> chunks = new ArrayList<>();
        long fileEnd;

        Segment(long segNo, Path path, FileChannel channel) {
            this.segNo = segNo;
            this.path = path;
            this.channel = channel;
        }
    }

    private final Path dir;
    private final TimelineKey timeline;
    private final int segmentSize;
    private final WalChunkCipher cipher;
    /** Opened for inspection: recovery reports a torn tail instead of cutting it, and nothing is written. */
    private final boolean readOnly;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Set<Segment> unsynced = new HashSet<>();
    /** The newest chunks' plaintext: WAL readers tail what was just appended, so it is not read back and decrypted. */
    private final RecentChunks recentAppends = new RecentChunks(4 << 20);
    private boolean dirUnsynced;
    private Lsn start = Lsn.INVALID;
    private Lsn end = Lsn.INVALID;
    private Lsn flushed = Lsn.INVALID;
    private Recovery recovery;
    private volatile boolean closed;

    private WalStore(Path dir, TimelineKey timeline, int segmentSize, WalChunkCipher cipher, boolean readOnly) {
        if (Integer.bitCount(segmentSize) != 1 || segmentSize < 1 << 16) {
            throw new IllegalArgumentException("segment size must be a power of two >= 64 KiB: " + segmentSize);
        }
        this.dir = dir;
        this.timeline = timeline;
        this.segmentSize = segmentSize;
        this.cipher = cipher;
        this.readOnly = readOnly;
    }

    /** Opens (creating the directory if needed) and recovers the WAL; see {@link #recovery()}. */
    public static WalStore open(Path dir, TimelineKey timeline, int segmentSize, WalChunkCipher cipher) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open WAL of " + timeline + " in " + dir, e);
        }
        return recovered(new WalStore(dir, timeline, segmentSize, cipher, false));
    }

    /**
     * Opens an existing WAL directory without changing it (for export and diagnosis, also of a stopped
     * safekeeper's copy): the valid WAL up to the first torn or corrupt chunk is readable, the rest is left
     * as it is and described by {@link #recovery()}. Writing methods must not be called.
     */
    public static WalStore openReadOnly(Path dir, TimelineKey timeline, int segmentSize, WalChunkCipher cipher) {
        if (!Files.isDirectory(dir)) {
            throw new WalUnreadableException(timeline, Lsn.INVALID, "no WAL directory " + dir, null);
        }
        return recovered(new WalStore(dir, timeline, segmentSize, cipher, true));
    }

    private static WalStore recovered(WalStore s) {
        try {
            s.recover();
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException("cannot open WAL of " + s.timeline + " in " + s.dir, e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public Recovery recovery() {
        return recovery;
    }

    public Lsn start() {
        return start;
    }

    /** End of written WAL. */
    public Lsn end() {
        return end;
    }

    /** End of fsynced WAL. */
    public Lsn flushedEnd() {
        return flushed;
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.cwal")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                found.add(Long.parseUnsignedLong(n.substring(0, n.length() - 5), 16));
            }
        } catch (NumberFormatException e) {
            throw new WalUnreadableException(timeline, Lsn.INVALID, "foreign file in WAL directory " + dir, e);
        }
        found.sort(Long::compareUnsigned);
        long cut = 0;
        String reason = null;
        for (long segNo : found) {
            Path path = segmentPath(segNo);
            if (reason != null) {
                cut += Files.size(path);
                if (!readOnly) {
                    Files.delete(path);
                    dirUnsynced = true;
                }
                continue;
            }
            Segment seg = openSegment(segNo, path, false);
            String problem = scan(seg);
            long size = seg.channel.size();
            if (problem != null) {
                reason = problem;
                cut += size - seg.fileEnd;
                if (!readOnly) {
                    seg.channel.truncate(seg.fileEnd);
                    seg.channel.force(true);
                }
            }
            if (seg.chunks.isEmpty()) {
                seg.channel.close();
                if (!readOnly) {
                    Files.delete(path);
                    dirUnsynced = true;
                }
                if (reason == null && !start.isValid()) {
                    continue;
                }
                reason = reason != null ? reason : "segment " + Long.toHexString(segNo) + " holds no WAL";
                continue;
            }
            segments.put(segNo, seg);
            Lsn segStart = Lsn.of(segNo * segmentSize);
            Lsn segEnd = segStart.plus(segmentSize);
            if (seg.chunks.getLast().end().isBefore(segEnd) && reason == null) {
                reason = "segment " + Long.toHexString(segNo) + " ends at " + seg.chunks.getLast().end();
                // WAL continues only if this segment is full; later segments would leave a gap.
            }
        }
        if (dirUnsynced) {
            AtomicFile.syncDirectory(dir);
            dirUnsynced = false;
        }
        flushed = end;
        recovery = new Recovery(start, end, cut, cut > 0 ? reason : null);
    }

    /** Reads a segment's frames; returns why it stopped early, or null if the whole file is valid. */
    private String scan(Segment seg) throws IOException {
        long size = seg.channel.size();
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        if (size < SEGMENT_HEADER || readFully(seg.channel, h, 0) < SEGMENT_HEADER) {
            seg.fileEnd = 0;
            return "segment " + seg.path.getFileName() + " has a torn header";
        }
        h.flip();
        String headerProblem = checkSegmentHeader(h, seg.segNo);
        if (headerProblem != null) {
            seg.fileEnd = 0;
            return headerProblem;
        }
        long off = SEGMENT_HEADER;
        Lsn expect = end.isValid() ? end : Lsn.INVALID;
        Lsn segStart = Lsn.of(seg.segNo * segmentSize);
        while (off < size) {
            seg.fileEnd = off;
            ByteBuffer fh = ByteBuffer.allocate(FRAME_HEADER);
            if (readFully(seg.channel, fh, off) < FRAME_HEADER) {
                return "torn chunk header at file offset " + off + " of " + seg.path.getFileName();
            }
            fh.flip();
            int magic = fh.getInt();
            Lsn chunkStart = Lsn.of(fh.getLong());
            int plain = fh.getInt();
            int sealedLen = fh.getInt();
            int crc = fh.getInt();
            if (magic != CHUNK_MAGIC || plain <= 0 || plain > MAX_CHUNK || sealedLen < plain || sealedLen > plain + 1024
                    || off + FRAME_HEADER + sealedLen > size) {
                return "torn or corrupt chunk frame at file offset " + off + " of " + seg.path.getFileName();
            }
            ByteBuffer sealed = ByteBuffer.allocate(sealedLen);
            readFully(seg.channel, sealed, off + FRAME_HEADER);
            CRC32C c = new CRC32C();
            c.update(fh.array(), 0, FRAME_HEADER - 4);
            c.update(sealed.array(), 0, sealedLen);
            if ((int) c.getValue() != crc) {
                return "chunk at " + chunkStart + " fails its checksum (torn write or bit flip)";
            }
            boolean contiguous = expect.isValid() ? chunkStart.equals(expect)
                    : !chunkStart.isBefore(segStart) && chunkStart.isBefore(segStart.plus(segmentSize));
            if (!contiguous || chunkStart.plus(plain).isAfter(segStart.plus(segmentSize))) {
                return "chunk at " + chunkStart + " is not contiguous with WAL ending at " + expect;
            }
            try {
                cipher.open(new ChunkBinding(timeline, chunkStart, plain), sealed.array());
            } catch (ChunkAuthenticationException e) {
                throw new WalUnreadableException(timeline, chunkStart, "chunk passes its checksum but fails "
                        + "authentication (wrong key or tampering); refusing to cut it", e);
            }
            if (!start.isValid()) {
                start = chunkStart;
            }
            seg.chunks.add(new Chunk(chunkStart, plain, off, FRAME_HEADER + sealedLen));
            off += FRAME_HEADER + sealedLen;
            expect = chunkStart.plus(plain);
            end = expect;
        }
        seg.fileEnd = off;
        return null;
    }

    private String checkSegmentHeader(ByteBuffer h, long segNo) {
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, SEGMENT_HEADER - 4);
        if (h.getInt() != SEGMENT_MAGIC || h.getShort() != VERSION) {
            return "segment " + Long.toHexString(segNo) + " has a bad magic or unsupported version";
        }
        long tHi = h.getLong();
        long tLo = h.getLong();
        long lHi = h.getLong();
        long lLo = h.getLong();
        long no = h.getLong();
        int size = h.getInt();
        if ((int) c.getValue() != h.getInt()) {
            return "segment " + Long.toHexString(segNo) + " header fails its checksum";
        }
        if (tHi != timeline.tenant().hi() || tLo != timeline.tenant().lo() || lHi != timeline.timeline().hi()
                || lLo != timeline.timeline().lo() || no != segNo || size != segmentSize) {
            throw new WalUnreadableException(timeline, Lsn.of(segNo * segmentSize),
                    "segment file belongs to another timeline, position or segment size", null);
        }
        return null;
    }

    // ------------------------------------------------------------------ writing

    /** Appends at {@link #end()}; durable after {@link #flush()}. */
    public void write(Lsn begin, byte[] data) {
        if (end.isValid() && !begin.equals(end)) {
            throw new IllegalArgumentException("WAL write at " + begin + " is not at the end " + end + " of " + timeline);
        }
        if (!start.isValid()) {
            start = begin;
        }
        int pos = 0;
        Lsn at = begin;
        try {
            while (pos < data.length) {
                long segNo = Long.divideUnsigned(at.value(), segmentSize);
                long room = (segNo + 1) * segmentSize - at.value();
                int n = (int) Math.min(Math.min(room, MAX_CHUNK), data.length - pos);
                byte[] part = java.util.Arrays.copyOfRange(data, pos, pos + n);
                appendChunk(segment(segNo), at, part);
                pos += n;
                at = at.plus(n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write WAL of " + timeline + " at " + at, e);
        }
        end = at;
    }

    private void appendChunk(Segment seg, Lsn at, byte[] plain) throws IOException {
        writeFrame(seg, at, plain.length, sealFrame(at, plain));
        recentAppends.put(at.value(), plain);
    }

    /** The on-disk frame of a chunk. Sealing may fail (e.g. revoked keys): nothing is written before it. */
    private ByteBuffer sealFrame(Lsn at, byte[] plain) {
        byte[] sealed = cipher.seal(new ChunkBinding(timeline, at, plain.length), plain);
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + sealed.length);
        frame.putInt(CHUNK_MAGIC).putLong(at.value()).putInt(plain.length).putInt(sealed.length);
        CRC32C c = new CRC32C();
        c.update(frame.array(), 0, FRAME_HEADER - 4);
        c.update(sealed);
        frame.putInt((int) c.getValue()).put(sealed).flip();
        return frame;
    }

    private void writeFrame(Segment seg, Lsn at, int plainLength, ByteBuffer frame) throws IOException {
        int length = frame.remaining();
        writeFully(seg.channel, frame, seg.fileEnd);
        seg.chunks.add(new Chunk(at, plainLength, seg.fileEnd, length));
        seg.fileEnd += length;
        unsynced.add(seg);
    }

    private Segment segment(long segNo) throws IOException {
        Segment seg = segments.get(segNo);
        if (seg != null) {
            return seg;
        }
        seg = openSegment(segNo, segmentPath(segNo), true);
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        h.putInt(SEGMENT_MAGIC).putShort(VERSION)
                .putLong(timeline.tenant().hi()).putLong(timeline.tenant().lo())
                .putLong(timeline.timeline().hi()).putLong(timeline.timeline().lo())
                .putLong(segNo).putInt(segmentSize);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, SEGMENT_HEADER - 4);
        h.putInt((int) c.getValue()).flip();
        writeFully(seg.channel, h, 0);
        seg.fileEnd = SEGMENT_HEADER;
        segments.put(segNo, seg);
        unsynced.add(seg);
        dirUnsynced = true;
        return seg;
    }

    /** fsyncs every write so far (one fsync per touched segment: the group commit). */
    public void flush() {
        try {
            for (Segment s : unsynced) {
                s.channel.force(false);
            }
            unsynced.clear();
            if (dirUnsynced) {
                AtomicFile.syncDirectory(dir);
                dirUnsynced = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync WAL of " + timeline, e);
        }
        flushed = end;
    }

    /** Makes the WAL end at {@code newEnd}, durably. On an empty WAL it only sets where WAL starts. */
    public void truncate(Lsn newEnd) {
        recentAppends.clear();
        if (!end.isValid() || (start.equals(end) && segments.isEmpty())) {
            start = newEnd;
            end = newEnd;
            flushed = newEnd;
            return;
        }
        if (newEnd.isBefore(start) || newEnd.isAfter(end)) {
            throw new IllegalArgumentException("truncation of " + timeline + " to " + newEnd + " outside WAL "
                    + start + ".." + end);
        }
        if (newEnd.equals(end)) {
            flush();
            return;
        }
        try {
            // Drop whole segments at or beyond the new end.
            for (Map.Entry<Long, Segment> e : new ArrayList<>(segments.tailMap(
                    Long.divideUnsigned(newEnd.value(), segmentSize), true).entrySet())) {
                Segment seg = e.getValue();
                if (!seg.chunks.getFirst().start().isBefore(newEnd)) {
                    seg.channel.close();
                    Files.delete(seg.path);
                    segments.remove(e.getKey());
                    unsynced.remove(seg);
                    dirUnsynced = true;
                    continue;
                }
                cutSegment(seg, newEnd);
            }
            end = newEnd;
            if (segments.isEmpty()) {
                start = newEnd;
            }
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate WAL of " + timeline + " to " + newEnd, e);
        }
    }

    /**
     * Deletes the segment files that lie entirely below {@code horizon} (never the one holding the end), so
     * WAL then starts at the first kept segment. Returns the number of files removed.
     */
    public int removeSegmentsBelow(Lsn horizon) {
        int removed = 0;
        try {
            for (Map.Entry<Long, Segment> e : new ArrayList<>(segments.entrySet())) {
                long segEnd = (e.getKey() + 1) * segmentSize;
                if (Long.compareUnsigned(segEnd, horizon.value()) > 0 || segments.size() == 1) {
                    break;
                }
                Segment seg = e.getValue();
                seg.channel.close();
                Files.delete(seg.path);
                segments.remove(e.getKey());
                unsynced.remove(seg);
                removed++;
            }
            if (removed > 0) {
                start = segments.firstEntry().getValue().chunks.getFirst().start();
                AtomicFile.syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove WAL of " + timeline + " below " + horizon, e);
        }
        return removed;
    }

    /** Cuts a segment at {@code newEnd}, re-sealing the head of a chunk that straddles it. */
    private void cutSegment(Segment seg, Lsn newEnd) throws IOException {
        int keep = 0;
        while (keep < seg.chunks.size() && !seg.chunks.get(keep).end().isAfter(newEnd)) {
            keep++;
        }
        if (keep == seg.chunks.size()) {
            return;
        }
        Chunk straddling = seg.chunks.get(keep);
        byte[] head = straddling.start().isBefore(newEnd)
                ? java.util.Arrays.copyOf(decrypt(seg, straddling), (int) newEnd.minus(straddling.start())) : null;
        // Re-seal the kept head before cutting anything: if sealing fails (revoked keys), the file is untouched
        // rather than shorter than the common point (which may be committed).
        ByteBuffer headFrame = head == null ? null : sealFrame(straddling.start(), head); // fresh nonce
        seg.fileEnd = straddling.offset();
        seg.chunks.subList(keep, seg.chunks.size()).clear();
        seg.channel.truncate(seg.fileEnd);
        if (headFrame != null) {
            writeFrame(seg, straddling.start(), head.length, headFrame);
        }
        unsynced.add(seg);
    }

    // ------------------------------------------------------------------ reading

    /** WAL bytes {@code [from, to)}. */
    public byte[] read(Lsn from, Lsn to) {
        if (closed) {
            // a reader still holding a closed store (its timeline was reopened) must not get zeroes
            throw new IllegalStateException("WAL of " + timeline + " is closed");
        }
        if (!start.isValid() || from.isBefore(start) || to.isAfter(end) || to.isBefore(from)) {
            throw new IllegalArgumentException("read " + from + ".." + to + " outside WAL " + start + ".." + end
                    + " of " + timeline);
        }
        byte[] out = new byte[(int) to.minus(from)];
        try {
            for (Segment seg : segments.subMap(Long.divideUnsigned(from.value(), segmentSize), true,
                    Long.divideUnsigned(Math.max(from.value(), to.value() - 1), segmentSize), true).values()) {
                for (int i = firstChunkEndingAfter(seg.chunks, from); i < seg.chunks.size(); i++) {
                    Chunk c = seg.chunks.get(i);
                    if (!c.start().isBefore(to)) {
                        break;
                    }
                    byte[] plain = plaintext(seg, c);
                    long a = Math.max(from.value(), c.start().value());
                    long b = Math.min(to.value(), c.end().value());
                    System.arraycopy(plain, (int) (a - c.start().value()), out, (int) (a - from.value()), (int) (b - a));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read WAL of " + timeline + " at " + from, e);
        }
        return out;
    }

    /** Chunks are in LSN order: the index of the first that ends after {@code lsn} (binary search). */
    private static int firstChunkEndingAfter(List<Chunk> chunks, Lsn lsn) {
        int lo = 0;
        int hi = chunks.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (chunks.get(mid).end().isAfter(lsn)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** A chunk's plaintext: from the recent appends that readers tail, else decrypted from disk. */
    private byte[] plaintext(Segment seg, Chunk c) throws IOException {
        byte[] recent = recentAppends.get(c.start().value());
        return recent != null && recent.length == c.length() ? recent : decrypt(seg, c);
    }

    private byte[] decrypt(Segment seg, Chunk c) throws IOException {
        ByteBuffer sealed = ByteBuffer.allocate(c.frameLength() - FRAME_HEADER);
        readFully(seg.channel, sealed, c.offset() + FRAME_HEADER);
        try {
            return cipher.open(new ChunkBinding(timeline, c.start(), c.length()), sealed.array());
        } catch (ChunkAuthenticationException e) {
            throw new WalUnreadableException(timeline, c.start(), "stored chunk fails authentication", e);
        }
    }

    // ------------------------------------------------------------------ files

    private Path segmentPath(long segNo) {
        return dir.resolve(String.format("%016X.cwal", segNo));
    }

    private Segment openSegment(long segNo, Path path, boolean create) throws IOException {
        FileChannel ch = create
                ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(segNo, path, ch);
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    /** Bytes of WAL held. */
    public long size() {
        return start.isValid() && end.isValid() ? end.minus(start) : 0;
    }

    @Override
    public void close() {
        closed = true;
        for (Segment s : segments.values()) {
            try {
                s.channel.close();
            } catch (IOException ignored) {
                // closing after a failure: nothing more to do
            }
        }
        segments.clear();
    }

    /** Plaintext of recently appended chunks by start LSN, oldest dropped first beyond a byte budget. */
    private static final class RecentChunks {
        private final long capacity;
        private final LinkedHashMap<Long, byte[]> chunks = new LinkedHashMap<>();
        private long bytes;

        RecentChunks(long capacity) {
            this.capacity = capacity;
        }

        byte[] get(long start) {
            return chunks.get(start);
        }

        void put(long start, byte[] plain) {
            byte[] replaced = chunks.put(start, plain);
            bytes += plain.length - (replaced == null ? 0 : replaced.length);
            var oldest = chunks.values().iterator();
            while (bytes > capacity && oldest.hasNext()) {
                bytes -= oldest.next().length;
                oldest.remove();
            }
        }

        void clear() {
            chunks.clear();
            bytes = 0;
        }
    }
}
