package dev.cairn.pageserver.read;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

import java.time.Duration;

/** A read at an LSN that ingest did not reach within the deadline. */
public class LsnTimeoutException extends PageserverException {
    public LsnTimeoutException(TimelineKey timeline, Lsn wanted, Lsn ingested, Duration timeout) {
        super("timed out after " + timeout.toMillis() + " ms waiting for " + timeline + " to be ingested up to "
                + wanted + " (ingested up to " + ingested + "; is WAL arriving from the safekeepers?)");
    }
}
