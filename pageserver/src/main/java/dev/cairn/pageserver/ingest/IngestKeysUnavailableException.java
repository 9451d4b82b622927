package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.pgformat.Lsn;
import dev.cairn.safekeeper.TimelineKey;

/**
 * A record could not be ingested because the tenant's keys cannot be used now (CMK revoked, KMS unreachable
 * past the cache TTL). Unlike an {@link IngestException} this stops nothing: nothing of the record was
 * stored, and ingest retries it until the keys are back.
 */
public class IngestKeysUnavailableException extends PageserverException {
    public IngestKeysUnavailableException(TimelineKey timeline, Lsn lsn, Throwable cause) {
        super("ingest of " + timeline + " waits at " + lsn + " for the tenant's keys: " + cause.getMessage(), cause);
    }
}
