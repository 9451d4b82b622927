package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.wal.WalFormatException.Cause;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Turns raw WAL bytes — page headers included, exactly as they lie in segment
 * files and as a physical replication stream sends them — into decoded
 * records. Bytes are fed in order starting at the LSN given at construction,
 * which must be a record boundary or a page boundary (then a record continued
 * from the previous page is skipped).
 *
 * <p>Pure and single-threaded: no I/O. {@link #next()} answers a record, or
 * null when more bytes are needed, or throws {@link WalFormatException} when
 * the bytes are not valid WAL.
 */
public final class WalStreamDecoder {
    private static final int PAGE = PgConstants.XLOG_BLCKSZ;
    /** Sanity limit for xl_tot_len: PostgreSQL never writes records near 1 GiB. */
    static final int MAX_RECORD_LENGTH = 1020 * 1024 * 1024;
    /** XLOG_SWITCH: the rest of the segment after it is unused. */
    private static final int XLOG_SWITCH = 0x40;

    private final int segmentSize;
    private PgVersion version;
    private long systemId;
    private int lastTimeline;

    private byte[] buf = new byte[0];
    private long bufStart;
    private int bufLen;

    /** Where the next record starts, or the page boundary whose header precedes it. */
    private long nextPos;
    /** The previous record's LSN for xl_prev checks; 0 when unknown. */
    private long prevRecord;
    /** Before the first record a page-aligned start may sit inside a continued record. */
    private boolean atStart = true;
    /** The record being assembled, or null between records. */
    private PartialRecord partial;

    /**
     * @param start        record boundary (or page boundary) the first fed byte belongs to
     * @param segmentSize  wal_segment_size of the cluster
     * @param prevRecord   LSN of the record before {@code start} to check xl_prev against, or {@link Lsn#INVALID}
     */
    public WalStreamDecoder(Lsn start, int segmentSize, Lsn prevRecord) {
        if (Integer.bitCount(segmentSize) != 1 || segmentSize < 1024 * 1024) {
            throw new IllegalArgumentException("invalid WAL segment size " + segmentSize);
        }
        this.segmentSize = segmentSize;
        this.bufStart = start.value();
        this.nextPos = start.value();
        this.prevRecord = prevRecord.value();
    }

    public WalStreamDecoder(Lsn start, int segmentSize) {
        this(start, segmentSize, Lsn.INVALID);
    }

    /** Appends the next bytes of the stream. */
    public void feed(byte[] bytes, int offset, int length) {
        makeRoom(length);
        System.arraycopy(bytes, offset, buf, bufLen, length);
        bufLen += length;
    }

    /**
     * Appends exactly {@code length} bytes read from a channel (e.g. a segment
     * file) straight into the decoder's buffer, saving a copy.
     */
    public void feed(ReadableByteChannel channel, int length) throws IOException {
        makeRoom(length);
        ByteBuffer target = ByteBuffer.wrap(buf, bufLen, length);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                throw new EOFException("channel ended " + target.remaining() + " bytes short");
            }
        }
        bufLen += length;
    }

    /** Drops bytes already decoded (or copied into a partial record) and makes room for {@code length} more. */
    private void makeRoom(int length) {
        long keepFrom = partial != null ? partial.at : nextPos;
        int consumed = (int) Math.min(bufLen, keepFrom - bufStart);
        int keep = bufLen - consumed;
        if (keep + length > buf.length) {
            byte[] bigger = new byte[Math.max(keep + length, Math.min(buf.length * 2, keep + length + (4 << 20)))];
            System.arraycopy(buf, consumed, bigger, 0, keep);
            buf = bigger;
        } else if (consumed > 0) {
            System.arraycopy(buf, consumed, buf, 0, keep);
        }
        bufStart += consumed;
        bufLen = keep;
    }

    public void feed(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        feed(copy, 0, copy.length);
    }

    /** Where the next record (or the page header before it) begins. */
    public Lsn position() {
        return Lsn.of(nextPos);
    }

    /** The LSN just after the last byte fed. */
    public Lsn fedUpTo() {
        return Lsn.of(bufStart + bufLen);
    }

    /** True when no bytes of an unfinished record are buffered. */
    public boolean atRecordBoundary() {
        return partial == null && bufStart + bufLen <= nextPos;
    }

    /** The PostgreSQL version recognised from page magic, or null before the first page header. */
    public PgVersion version() {
        return version;
    }

    public long systemId() {
        return systemId;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** The next complete record, or null if more bytes are needed. */
    public DecodedRecord next() {
        if (partial == null) {
            partial = beginRecord();
            if (partial == null) {
                return null;
            }
        }
        if (!gather(partial)) {
            return null;
        }
        PartialRecord done = partial;
        partial = null;
        return finish(done);
    }

    /** Reads and checks the start of the next record; null when its first bytes are not here yet. */
    private PartialRecord beginRecord() {
        long recStart = findRecordStart();
        if (recStart < 0 || !available(recStart, 4)) {
            return null;
        }
        int totalLength = readInt(recStart);
        if (totalLength == 0) {
            throw new WalFormatException(Lsn.of(recStart), Cause.END_OF_WAL,
                    "invalid record length: wanted " + XLogRecordHeader.SIZE + ", got 0");
        }
        if (totalLength < XLogRecordHeader.SIZE) {
            throw new WalFormatException(Lsn.of(recStart), Cause.BAD_RECORD_HEADER,
                    "invalid record length: wanted " + XLogRecordHeader.SIZE + ", got " + Integer.toUnsignedString(totalLength));
        }
        if (totalLength > MAX_RECORD_LENGTH) {
            throw new WalFormatException(Lsn.of(recStart), Cause.BAD_RECORD_HEADER,
                    "record length " + Integer.toUnsignedString(totalLength) + " too long");
        }
        XLogRecordHeader header = null;
        if (PAGE - pageOffset(recStart) >= XLogRecordHeader.SIZE) {
            // Whole header on this page: reject garbage before waiting for a huge body.
            if (!available(recStart, XLogRecordHeader.SIZE)) {
                return null;
            }
            header = XLogRecordHeader.read(buf, (int) (recStart - bufStart));
            validateHeader(recStart, header);
        }
        return new PartialRecord(recStart, header, new byte[totalLength]);
    }

    /**
     * Copies the record's bytes page by page, checking each continuation page
     * header. Resumable: returns false when bytes are missing, keeping its place,
     * so a large record arriving in small pieces is assembled in linear time.
     */
    private boolean gather(PartialRecord r) {
        int totalLength = r.bytes.length;
        while (r.got < totalLength) {
            if (r.got > 0 && pageOffset(r.at) == 0) {
                WalPageHeader page = readPageHeader(r.at);
                if (page == null) {
                    return false;
                }
                if (!page.isContinuation()) {
                    throw new WalFormatException(Lsn.of(r.at), Cause.BAD_PAGE_HEADER,
                            "there is no contrecord flag (record at " + Lsn.of(r.start) + " continues here)");
                }
                if (Integer.toUnsignedLong(page.remainingLength()) != totalLength - r.got) {
                    throw new WalFormatException(Lsn.of(r.at), Cause.BAD_PAGE_HEADER, "invalid contrecord length "
                            + Integer.toUnsignedString(page.remainingLength()) + " (expected " + (totalLength - r.got)
                            + ") for record at " + Lsn.of(r.start));
                }
                r.at += page.size();
            }
            int chunk = Math.min(totalLength - r.got, PAGE - pageOffset(r.at));
            int have = (int) Math.min(chunk, bufStart + bufLen - r.at);
            if (have <= 0) {
                return false;
            }
            System.arraycopy(buf, (int) (r.at - bufStart), r.bytes, r.got, have);
            r.got += have;
            r.at += have;
        }
        return true;
    }

    private DecodedRecord finish(PartialRecord r) {
        XLogRecordHeader header = r.header;
        if (header == null) {
            header = XLogRecordHeader.read(r.bytes, 0);
            validateHeader(r.start, header);
        }
        int crc = XLogRecordHeader.crcOf(r.bytes, r.bytes.length);
        if (crc != header.crc()) {
            throw new WalFormatException(Lsn.of(r.start), Cause.BAD_CRC, String.format(
                    "incorrect resource manager data checksum in record (stored %08X, computed %08X)",
                    header.crc(), crc));
        }
        DecodedRecord decoded = XLogRecordBodyDecoder.decode(Lsn.of(r.start), Lsn.of(r.at), header, r.bytes);
        prevRecord = r.start;
        atStart = false;
        nextPos = isSwitch(header) ? roundUp(r.at, segmentSize) : PgConstants.maxAlign(r.at);
        return decoded;
    }

    /** A record whose bytes are being gathered: where it starts, what is copied, where reading resumes. */
    private static final class PartialRecord {
        final long start;
        final XLogRecordHeader header;
        final byte[] bytes;
        int got;
        long at;

        PartialRecord(long start, XLogRecordHeader header, byte[] bytes) {
            this.start = start;
            this.header = header;
            this.bytes = bytes;
            this.at = start;
        }
    }

    /**
     * Resolves nextPos to the LSN of the next record's header: skips the page
     * header at a page boundary and, at the very start, a record continued
     * from before the start. Returns -1 when more bytes are needed.
     */
    private long findRecordStart() {
        long p = nextPos;
        while (pageOffset(p) == 0) {
            WalPageHeader page = readPageHeader(p);
            if (page == null) {
                return -1;
            }
            p += page.size();
            if (!page.isContinuation()) {
                return p;
            }
            if (!atStart) {
                throw new WalFormatException(Lsn.of(nextPos), Cause.BAD_PAGE_HEADER,
                        "contrecord is requested by " + Lsn.of(p) + " but the previous record ended");
            }
            p = skipContinuation(p, Integer.toUnsignedLong(page.remainingLength()));
            if (p < 0) {
                return -1;
            }
            p = PgConstants.maxAlign(p);
        }
        return p;
    }

    /** Skips {@code remaining} bytes of a continued record from {@code p}; -1 when more bytes are needed. */
    private long skipContinuation(long p, long remaining) {
        while (true) {
            long onPage = Math.min(remaining, PAGE - pageOffset(p));
            remaining -= onPage;
            p += onPage;
            if (remaining == 0) {
                return p;
            }
            WalPageHeader page = readPageHeader(p);
            if (page == null) {
                return -1;
            }
            if (!page.isContinuation() || Integer.toUnsignedLong(page.remainingLength()) != remaining) {
                throw new WalFormatException(Lsn.of(p), Cause.BAD_PAGE_HEADER,
                        "invalid contrecord while skipping a record continued from before the start");
            }
            p += page.size();
        }
    }

    /** Reads and validates the page header at page boundary {@code p}; null when its bytes are not here yet. */
    private WalPageHeader readPageHeader(long p) {
        if (!available(p, WalPageHeader.SHORT_SIZE)) {
            return null;
        }
        int off = (int) (p - bufStart);
        int info = (buf[off + 2] & 0xFF) | (buf[off + 3] & 0xFF) << 8;
        if ((info & WalPageHeader.XLP_LONG_HEADER) != 0 && !available(p, WalPageHeader.LONG_SIZE)) {
            return null;
        }
        WalPageHeader h = WalPageHeader.read(ByteBuffer.wrap(buf), off);
        Lsn at = Lsn.of(p);
        if (h.magic() == 0 && h.info() == 0 && h.pageAddress().value() == 0) {
            throw new WalFormatException(at, Cause.END_OF_WAL, "zeroed page");
        }
        if (version == null) {
            version = PgVersion.forWalPageMagic(h.magic());
            if (version == null) {
                throw new WalFormatException(at, Cause.BAD_PAGE_HEADER,
                        String.format("invalid magic number %04X (not a WAL page of a supported PostgreSQL version)", h.magic()));
            }
        } else if (h.magic() != version.walPageMagic) {
            throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, String.format("invalid magic number %04X", h.magic()));
        }
        if ((h.info() & ~WalPageHeader.XLP_ALL_FLAGS) != 0) {
            throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, String.format("invalid info bits %04X", h.info()));
        }
        boolean segmentStart = Long.remainderUnsigned(p, segmentSize) == 0;
        if (h.isLong() != segmentStart) {
            throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, segmentStart
                    ? "first page of a segment lacks the long header"
                    : "long page header in the middle of a segment");
        }
        if (h.isLong()) {
            if (h.segmentSize() != segmentSize) {
                throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, "WAL segment size in page header is "
                        + Integer.toUnsignedString(h.segmentSize()) + ", expected " + segmentSize);
            }
            if (h.walBlockSize() != PAGE) {
                throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, "WAL block size in page header is "
                        + Integer.toUnsignedString(h.walBlockSize()) + ", expected " + PAGE);
            }
            if (systemId == 0) {
                systemId = h.systemId();
            } else if (h.systemId() != systemId) {
                throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, "WAL is from a different database system: "
                        + "system identifier " + Long.toUnsignedString(h.systemId()) + ", expected " + Long.toUnsignedString(systemId));
            }
        }
        if (h.pageAddress().value() != p) {
            // An older address is a page of a recycled segment that was never rewritten: the end of WAL.
            throw new WalFormatException(at, h.pageAddress().isBefore(at) ? Cause.END_OF_WAL : Cause.BAD_PAGE_HEADER,
                    "unexpected pageaddr " + h.pageAddress());
        }
        if (Integer.compareUnsigned(h.timeline(), lastTimeline) < 0) {
            throw new WalFormatException(at, Cause.BAD_PAGE_HEADER, "out-of-sequence timeline ID "
                    + Integer.toUnsignedString(h.timeline()) + " (after " + Integer.toUnsignedString(lastTimeline) + ")");
        }
        lastTimeline = h.timeline();
        return h;
    }

    private void validateHeader(long recStart, XLogRecordHeader h) {
        if (!RmgrId.isValidId(h.rmid())) {
            throw new WalFormatException(Lsn.of(recStart), Cause.BAD_RECORD_HEADER, "invalid resource manager ID " + h.rmid());
        }
        if (prevRecord != 0 ? h.prev().value() != prevRecord : Long.compareUnsigned(h.prev().value(), recStart) >= 0) {
            throw new WalFormatException(Lsn.of(recStart), Cause.BAD_RECORD_HEADER,
                    "record with incorrect prev-link " + h.prev()
                            + (prevRecord != 0 ? " (expected " + Lsn.of(prevRecord) + ")" : ""));
        }
    }

    private static boolean isSwitch(XLogRecordHeader h) {
        return h.rmid() == RmgrId.XLOG.id && h.rmgrInfo() == XLOG_SWITCH;
    }

    private boolean available(long lsn, int n) {
        return lsn >= bufStart && lsn + n <= bufStart + bufLen;
    }

    private int readInt(long lsn) {
        return ByteBuffer.wrap(buf, (int) (lsn - bufStart), 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static int pageOffset(long lsn) {
        return (int) (lsn & (PAGE - 1));
    }

    private static long roundUp(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

}
