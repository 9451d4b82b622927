package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/**
 * The compute sent a record that changes a block without carrying the block's image, and the pageserver has no
 * redo for its resource manager: every built-in one has Java redo, so this is an extension's custom resource
 * manager. The pageserver could not materialise that page, so such a record must never reach the quorum: the
 * stream stops before it, and the compute, whose WAL now holds it, is replaced by one started at the quorum's
 * end. Its transaction was never acknowledged.
 */
public final class RecordWithoutImageException extends ComputeStreamException {
    private final Lsn lsn;

    public RecordWithoutImageException(TimelineKey timeline, ComputeAddress compute, Lsn lsn, String record,
                                       String block) {
        super(timeline, compute, lsn, record + " changes " + block + " without its page image, and Cairn has no"
                + " redo for its resource manager: it is not appended to the quorum, and the compute is replaced by"
                + " one started before it", null);
        this.lsn = lsn;
    }

    /** Start of the refused record. */
    public Lsn lsn() {
        return lsn;
    }
}
