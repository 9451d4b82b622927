package dev.cairn.pageserver.gc;

import dev.cairn.pgformat.Lsn;

/** What one GC pass did: the horizon it established and the versions it dropped. */
public record GcResult(Lsn horizon, long versionsDropped) {
}
