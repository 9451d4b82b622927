package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.TimelineRef;
import dev.cairn.pgformat.Lsn;

/** A record whose effect Cairn cannot materialise yet (e.g. tablespaces other than pg_default and pg_global). */
public class UnsupportedRecordException extends IngestException {
    public UnsupportedRecordException(TimelineRef timeline, Lsn lsn, String message) {
        super(timeline, lsn, message, null);
    }
}
