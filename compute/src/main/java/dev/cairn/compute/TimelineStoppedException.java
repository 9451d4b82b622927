package dev.cairn.compute;

import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Lsn;

/**
 * The pageserver's ingest of the endpoint's timeline stopped at a record it cannot apply: no compute may
 * run, since nothing it commits could be materialised. The WAL stays on the safekeepers, so a fixed
 * pageserver resumes at that record and the endpoint wakes again.
 */
public final class TimelineStoppedException extends ComputeException {
    private final Lsn stoppedAt;

    public TimelineStoppedException(String endpoint, TimelineInfo info) {
        super(endpoint, info.key(), "storage stopped: the pageserver cannot apply the WAL record at " + info.stoppedAtLsn()
                + ", so the timeline takes no new commits until the pageserver is fixed (" + info.error() + ")", null);
        this.stoppedAt = info.stoppedAtLsn();
    }

    /** Start of the record ingest stopped at. */
    public Lsn stoppedAt() {
        return stoppedAt;
    }
}
