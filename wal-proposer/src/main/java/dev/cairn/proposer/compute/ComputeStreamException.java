package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** The WAL stream from a compute failed; says which timeline, compute and position. */
public class ComputeStreamException extends RuntimeException {
    public ComputeStreamException(TimelineKey timeline, ComputeAddress compute, Lsn at, String message, Throwable cause) {
        super("timeline " + timeline + ", compute " + compute + ", at " + at + ": " + message, cause);
    }
}
