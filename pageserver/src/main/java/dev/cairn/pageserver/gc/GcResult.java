package dev.cairn.pageserver.gc;

import dev.cairn.common.Lsn;

/** What one GC pass did: the horizon it established and the versions it dropped. */
public record GcResult(Lsn horizon, long versionsDropped) {
}
