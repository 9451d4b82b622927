package dev.cairn.pageserver.ingest;

import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

/** A record whose effect Cairn cannot materialise yet (e.g. tablespaces other than pg_default and pg_global). */
public class UnsupportedRecordException extends IngestException {
    public UnsupportedRecordException(TimelineKey timeline, Lsn lsn, String message) {
        super(timeline, lsn, message, null);
    }
}
