package dev.cairn.pageserver.read;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** A read below the GC horizon: versions from before it may be gone, so the answer could be wrong. */
public class LsnOutsideRetentionException extends PageserverException {
    public LsnOutsideRetentionException(TimelineKey timeline, Lsn wanted, Lsn horizon) {
        super("cannot read " + timeline + " at " + wanted + ": it is older than the retention window (GC horizon "
                + horizon + "); choose an LSN at or after the horizon");
    }
}
