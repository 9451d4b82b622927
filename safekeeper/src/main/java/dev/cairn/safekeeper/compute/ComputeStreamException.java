package dev.cairn.safekeeper.compute;

import dev.cairn.pgformat.Lsn;
import dev.cairn.safekeeper.TimelineKey;

/** The WAL stream from a compute failed; says which timeline, compute and position. */
public class ComputeStreamException extends RuntimeException {
    public ComputeStreamException(TimelineKey timeline, ComputeAddress compute, Lsn at, String message, Throwable cause) {
        super("timeline " + timeline + ", compute " + compute + ", at " + at + ": " + message, cause);
    }
}
