package dev.cairn.pgformat.control;

import dev.cairn.pgformat.PgConstants;

/**
 * Compile-time properties of the server that created the cluster; a server
 * refuses to start on a pg_control whose values differ from its own build.
 * Sizes are unsigned 32-bit in the file; they fit an int for every real build.
 */
public record BuildParameters(int maxAlign, double floatFormat, int blcksz, int relsegSize, int xlogBlcksz,
                              int xlogSegSize, int nameDataLen, int indexMaxKeys, int toastMaxChunkSize,
                              int loblksize, boolean float8ByVal) {

    /** FLOATFORMAT_VALUE: the double every pg_control holds to detect a foreign float format. */
    public static final double FLOAT_FORMAT_VALUE = 1234567.0;

    /** The values of a default 64-bit build of PostgreSQL 15 with the given WAL segment size. */
    public static BuildParameters defaults(int walSegmentSize) {
        return new BuildParameters(PgConstants.MAXALIGN, FLOAT_FORMAT_VALUE, PgConstants.BLCKSZ, 131072,
                PgConstants.XLOG_BLCKSZ, walSegmentSize, 64, 32, 1996, 2048, true);
    }
}
