package dev.cairn.pageserver.ingest;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** Ingest waits for the tenant's keys (CMK revoked, KMS unreachable past the cache TTL). */
public class IngestKeysUnavailableException extends IngestPausedException {
    public IngestKeysUnavailableException(TimelineKey timeline, Lsn lsn, Throwable cause) {
        super("ingest of " + timeline + " waits at " + lsn + " for the tenant's keys: " + cause.getMessage(), cause);
    }
}
