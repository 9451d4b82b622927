package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

/** Ingest of a timeline stopped at a record; nothing of that record was stored. */
public class IngestException extends PageserverException {
    private final TimelineKey timeline;
    private final Lsn lsn;

    public IngestException(TimelineKey timeline, Lsn lsn, String message, Throwable cause) {
        super("ingest of " + timeline + " stopped at " + lsn + ": " + message, cause);
        this.timeline = timeline;
        this.lsn = lsn;
    }

    public TimelineKey timeline() {
        return timeline;
    }

    /** Start of the record that could not be ingested. */
    public Lsn lsn() {
        return lsn;
    }
}
