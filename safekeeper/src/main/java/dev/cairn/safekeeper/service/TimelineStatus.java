package dev.cairn.safekeeper.service;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** A snapshot of one timeline on this safekeeper. */
public record TimelineStatus(TimelineKey timeline, long term, long lastLogTerm, Lsn flushLsn, Lsn commitLsn,
                             Lsn peerHorizonLsn, Lsn timelineStartLsn, long walBytes, Lsn walStartLsn,
                             Lsn durableLsn) {
}
