package dev.cairn.pageserver.gc;

import dev.cairn.common.Lsn;

/**
 * How much history a timeline keeps for point-in-time reads: the last
 * {@code walBytes} of WAL before the ingest position (the PITR window).
 */
public record RetentionPolicy(long walBytes) {
    public RetentionPolicy {
        if (walBytes < 0) {
            throw new IllegalArgumentException("retention must not be negative: " + walBytes);
        }
    }

    /** The GC horizon for a timeline ingested up to {@code position}. */
    public Lsn horizon(Lsn position) {
        return position.value() > walBytes ? Lsn.of(position.value() - walBytes) : Lsn.INVALID;
    }
}
