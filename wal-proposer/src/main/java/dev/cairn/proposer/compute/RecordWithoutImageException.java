package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/**
 * The compute sent a record that changes a block without carrying the block's image. The pageserver
 * materialises pages only from images (DESIGN.md 2.3), so such a record must never reach the quorum: the
 * stream stops before it, and the compute, whose WAL now holds it, is replaced by one started at the
 * quorum's end. Its transaction was never acknowledged. Caused by a session turning wal_consistency_checking
 * off, the one storage setting a superuser can change from SQL.
 */
public final class RecordWithoutImageException extends ComputeStreamException {
    private final Lsn lsn;

    public RecordWithoutImageException(TimelineKey timeline, ComputeAddress compute, Lsn lsn, String record,
                                       String block) {
        super(timeline, compute, lsn, record + " changes " + block + " without its page image (did a session"
                + " change wal_consistency_checking?): it is not appended to the quorum, and the compute is replaced"
                + " by one started before it", null);
        this.lsn = lsn;
    }

    /** Start of the refused record. */
    public Lsn lsn() {
        return lsn;
    }
}
