package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.PageserverException;

/**
 * A record could not be ingested for a reason that is not the record's: nothing of it was stored, the
 * timeline is not failed, and ingest retries the same record later. Unlike an {@link IngestException},
 * which stops the timeline.
 */
public abstract class IngestPausedException extends PageserverException {
    protected IngestPausedException(String message, Throwable cause) {
        super(message, cause);
    }
}
