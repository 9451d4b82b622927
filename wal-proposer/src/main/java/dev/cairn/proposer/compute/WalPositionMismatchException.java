package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/**
 * The compute's WAL does not continue where the proposer's log ends. Appending it anyway would put bytes at
 * the wrong LSN in the quorum log, so streaming stops instead.
 */
public final class WalPositionMismatchException extends ComputeStreamException {
    private final Lsn expected;
    private final Lsn actual;

    public WalPositionMismatchException(TimelineKey timeline, ComputeAddress compute, Lsn expected, Lsn actual,
                                        String what) {
        super(timeline, compute, actual, what + ": expected " + expected + ", got " + actual, null);
        this.expected = expected;
        this.actual = actual;
    }

    public Lsn expected() {
        return expected;
    }

    public Lsn actual() {
        return actual;
    }
}
