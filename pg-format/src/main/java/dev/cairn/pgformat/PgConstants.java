package dev.cairn.pgformat;

/** Compile-time sizes of a default PostgreSQL build (BLCKSZ, XLOG_BLCKSZ, MAXALIGN). */
public final class PgConstants {
    private PgConstants() {
    }

    /** BLCKSZ: relation page size. */
    public static final int BLCKSZ = 8192;
    /** XLOG_BLCKSZ: WAL page size. */
    public static final int XLOG_BLCKSZ = 8192;
    /** The default wal_segment_size. */
    public static final int DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;
    /** MAXIMUM_ALIGNOF on 64-bit platforms. */
    public static final int MAXALIGN = 8;
    /** Transaction id that is never assigned. */
    public static final int INVALID_XID = 0;

    public static long maxAlign(long v) {
        return (v + MAXALIGN - 1) & ~(long) (MAXALIGN - 1);
    }
}
