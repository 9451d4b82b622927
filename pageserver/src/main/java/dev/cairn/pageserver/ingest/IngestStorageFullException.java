package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.store.StoreFullException;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** Ingest waits for room on the page store's disk. */
public class IngestStorageFullException extends IngestPausedException {
    public IngestStorageFullException(TimelineKey timeline, Lsn lsn, StoreFullException cause) {
        super("ingest of " + timeline + " waits at " + lsn + " for room on the page store's disk: " + cause.getMessage(),
                cause);
    }
}
