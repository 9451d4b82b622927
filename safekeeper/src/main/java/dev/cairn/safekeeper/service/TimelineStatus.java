package dev.cairn.safekeeper.service;

import dev.cairn.pgformat.Lsn;
import dev.cairn.safekeeper.TimelineKey;

/** A snapshot of one timeline on this safekeeper. */
public record TimelineStatus(TimelineKey timeline, long term, long lastLogTerm, Lsn flushLsn, Lsn commitLsn,
                             Lsn peerHorizonLsn, Lsn timelineStartLsn, long walBytes, Lsn walStartLsn,
                             Lsn durableLsn) {
}
