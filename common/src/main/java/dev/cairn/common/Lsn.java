package dev.cairn.common;

/**
 * A WAL position (XLogRecPtr): a 64-bit byte offset into the WAL stream,
 * printed as PostgreSQL does, {@code %X/%08X}.
 */
public record Lsn(long value) implements Comparable<Lsn> {
    public static final Lsn INVALID = new Lsn(0);

    /** Parses {@code 0/16B3748} (either half may be lower or upper case hex). */
    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not an LSN (expected HI/LO in hex, e.g. 0/16B3748): " + text);
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL || hi < 0 || lo < 0) {
                throw new IllegalArgumentException("LSN half out of range: " + text);
            }
            return new Lsn((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN (expected HI/LO in hex, e.g. 0/16B3748): " + text, e);
        }
    }

    public static Lsn of(long value) {
        return new Lsn(value);
    }

    public boolean isValid() {
        return value != 0;
    }

    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    public long minus(Lsn other) {
        return value - other.value;
    }

    /** Offset of this position within its WAL page. */
    public int pageOffset(int pageSize) {
        return (int) Long.remainderUnsigned(value, pageSize);
    }

    public boolean isAfter(Lsn other) {
        return Long.compareUnsigned(value, other.value) > 0;
    }

    public boolean isBefore(Lsn other) {
        return Long.compareUnsigned(value, other.value) < 0;
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return String.format("%X/%08X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
