package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;

/**
 * WAL bytes that do not form a valid record. Carries the LSN where the
 * problem was found and a machine-readable cause, so callers can tell a
 * clean end of WAL (e.g. zeroed tail) from corruption.
 */
public class WalFormatException extends RuntimeException {

    /** Why the bytes were rejected. */
    public enum Cause {
        /**
         * Where written WAL normally ends: an all-zero record header, or a page
         * that is zeroed or left over from a recycled segment (an older page address).
         */
        END_OF_WAL,
        /** The page header is wrong: magic, page address, flags, lengths. */
        BAD_PAGE_HEADER,
        /** A record header is wrong: zero or impossible length, bad rmgr, bad xl_prev. */
        BAD_RECORD_HEADER,
        /** CRC-32C of the record does not match. */
        BAD_CRC,
        /** The record body is inconsistent: block headers, lengths that do not add up. */
        BAD_RECORD_BODY,
        /** A full-page image cannot be restored (decompression failed, bad hole). */
        BAD_IMAGE,
        /** The input ended in the middle of a record or page header. */
        TRUNCATED,
        /** A record-specific payload (main data) is shorter or stranger than its type requires. */
        BAD_PAYLOAD
    }

    private final Lsn lsn;
    private final Cause reason;
    private final String detail;

    public WalFormatException(Lsn lsn, Cause reason, String message) {
        super(reason + " at " + lsn + ": " + message);
        this.lsn = lsn;
        this.reason = reason;
        this.detail = message;
    }

    /** The message without the cause and LSN prefix. */
    public String detail() {
        return detail;
    }

    public Lsn lsn() {
        return lsn;
    }

    public Cause reason() {
        return reason;
    }

    /** True when this marks the normal end of written WAL rather than damage. */
    public boolean isEndOfWal() {
        return reason == Cause.END_OF_WAL;
    }
}
