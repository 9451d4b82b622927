package dev.cairn.pgformat.rmgr;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalFormatException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds-checked little-endian reader over a record's main data. Every read
 * that would run past the end raises {@link WalFormatException} with cause
 * BAD_PAYLOAD and the record's LSN, so a malformed record can never surface as
 * IndexOutOfBounds or BufferUnderflow. Unsigned 32-bit fields (xids, oids)
 * are widened to {@code long}.
 */
final class PayloadReader {
    private final ByteBuffer buf;
    private final Lsn lsn;
    private final String what;

    PayloadReader(ByteBuffer littleEndian, Lsn lsn, String what) {
        this.buf = littleEndian;
        this.lsn = lsn;
        this.what = what;
    }

    static PayloadReader of(DecodedRecord record, String what) {
        return new PayloadReader(record.mainData(), record.lsn(), what);
    }

    Lsn lsn() {
        return lsn;
    }

    int position() {
        return buf.position();
    }

    int remaining() {
        return buf.remaining();
    }

    int length() {
        return buf.limit();
    }

    WalFormatException malformed(String message) {
        return new WalFormatException(lsn, WalFormatException.Cause.BAD_PAYLOAD, what + ": " + message);
    }

    private void need(long bytes, String field) {
        if (bytes < 0 || bytes > buf.remaining()) {
            throw malformed(field + " needs " + bytes + " bytes at offset " + buf.position()
                    + " but main data is " + buf.limit() + " bytes");
        }
    }

    /** Fails unless at least {@code bytes} remain; used to check a fixed struct size up front. */
    void requireRemaining(int bytes, String struct) {
        need(bytes, struct);
    }

    int u8(String field) {
        need(1, field);
        return Byte.toUnsignedInt(buf.get());
    }

    /** The byte at an absolute offset in the main data; does not move the position. */
    int u8At(int offset, String field) {
        if (offset < 0 || offset >= buf.limit()) {
            throw malformed(field + " at offset " + offset + " lies beyond the " + buf.limit() + "-byte main data");
        }
        return Byte.toUnsignedInt(buf.get(offset));
    }

    int i8(String field) {
        need(1, field);
        return buf.get();
    }

    boolean bool(String field) {
        return u8(field) != 0;
    }

    int u16(String field) {
        need(2, field);
        return Short.toUnsignedInt(buf.getShort());
    }

    int i32(String field) {
        need(4, field);
        return buf.getInt();
    }

    long u32(String field) {
        need(4, field);
        return Integer.toUnsignedLong(buf.getInt());
    }

    long i64(String field) {
        need(8, field);
        return buf.getLong();
    }

    Lsn lsnField(String field) {
        return Lsn.of(i64(field));
    }

    PgTimestamp timestamp(String field) {
        return new PgTimestamp(i64(field));
    }

    void skip(int bytes, String field) {
        need(bytes, field);
        buf.position(buf.position() + bytes);
    }

    /** Skips padding so the position becomes a multiple of {@code alignment} (relative to the start of main data). */
    void alignTo(int alignment, String field) {
        int pad = (alignment - buf.position() % alignment) % alignment;
        skip(pad, field);
    }

    /**
     * Validates an element count read from the record against what is left, before anything
     * is allocated, so a corrupt count cannot cause a huge allocation.
     */
    int count(long n, int elementSize, String field) {
        if (n < 0 || n * elementSize > buf.remaining()) {
            throw malformed(field + " count " + n + " (x" + elementSize + " bytes) exceeds the "
                    + buf.remaining() + " bytes left at offset " + buf.position());
        }
        return (int) n;
    }

    List<Long> u32List(long n, String field) {
        int count = count(n, 4, field);
        List<Long> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Integer.toUnsignedLong(buf.getInt()));
        }
        return List.copyOf(out);
    }

    RelFileLocator relFileLocator(String field) {
        need(12, field);
        return new RelFileLocator(Integer.toUnsignedLong(buf.getInt()), Integer.toUnsignedLong(buf.getInt()),
                Integer.toUnsignedLong(buf.getInt()));
    }

    List<RelFileLocator> relFileLocators(long n, String field) {
        int count = count(n, 12, field);
        List<RelFileLocator> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(relFileLocator(field));
        }
        return List.copyOf(out);
    }

    byte[] bytes(long n, String field) {
        int count = count(n, 1, field);
        byte[] out = new byte[count];
        buf.get(out);
        return out;
    }

    /** A NUL-terminated string; the terminator must lie within the main data. */
    String cString(String field) {
        int start = buf.position();
        for (int i = start; i < buf.limit(); i++) {
            if (buf.get(i) == 0) {
                byte[] text = new byte[i - start];
                buf.get(text);
                buf.get(); // the terminator
                return new String(text, StandardCharsets.UTF_8);
            }
        }
        throw malformed(field + " is not NUL-terminated within the main data (offset " + start + ")");
    }

    /** A fixed-size char array holding a NUL-terminated string (e.g. rp_name[MAXFNAMELEN]). */
    String fixedCString(int size, String field) {
        byte[] raw = bytes(size, field);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }
}
