package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

import java.util.List;

/**
 * A one-line description of a record in the form pg_waldump prints after
 * "desc: ": the record type name, a space, then details for the rmgrs we
 * decode (XLOG, Transaction, Storage, CLOG, Database, Tablespace, MultiXact, RelMap,
 * Standby, Heap, Heap2); other rmgrs get the name only. Block references are
 * not included.
 */
public final class RecordDescriber {
    private RecordDescriber() {
    }

    public static String describe(DecodedRecord rec) {
        String name = RecordTypeNames.display(rec);
        RmgrId rmgr = rec.rmgr();
        if (rmgr == RmgrId.HEAP || rmgr == RmgrId.HEAP2) {
            return name + " " + HeapDescriber.describe(rec);
        }
        return name + " " + details(RecordDecoder.decode(rec), rec);
    }

    /** The details part (after the type name) for a decoded record. */
    static String details(RmgrRecord r, DecodedRecord rec) {
        return switch (r) {
            case XlogRecord x -> xlog(x);
            case XactRecord x -> xact(x, rec);
            case SmgrRecord.Create c -> RelationPath.of(c.rel(), c.forkNumber());
            case SmgrRecord.Truncate t -> RelationPath.of(t.rel()) + " to " + t.blocks() + " blocks flags " + t.flags();
            case ClogRecord.ZeroPage z -> "page " + z.pageNumber();
            case ClogRecord.Truncate t -> "page " + t.pageNumber() + "; oldestXact " + t.oldestXact();
            case DbaseRecord d -> dbase(d);
            case TablespaceRecord.Create c -> c.tablespaceId() + " \"" + c.location() + "\"";
            case TablespaceRecord.Drop d -> Long.toString(d.tablespaceId());
            case MultiXactRecord m -> multixact(m);
            case RelMapRecord.Update u ->
                    "database " + u.dbId() + " tablespace " + u.tsId() + " size " + u.mapFile().length;
            case StandbyRecord s -> standby(s);
            case OpaqueRecord o -> "";
        };
    }

    private static String xlog(XlogRecord x) {
        return switch (x) {
            case XlogRecord.Checkpoint c -> checkpoint(c);
            case XlogRecord.NextOid n -> Long.toString(n.nextOid());
            case XlogRecord.BackupEnd b -> lsn(b.startPoint());
            case XlogRecord.ParameterChange p -> String.format(
                    "max_connections=%d max_worker_processes=%d max_wal_senders=%d max_prepared_xacts=%d "
                            + "max_locks_per_xact=%d wal_level=%s wal_log_hints=%s track_commit_timestamp=%s",
                    p.maxConnections(), p.maxWorkerProcesses(), p.maxWalSenders(), p.maxPreparedXacts(),
                    p.maxLocksPerXact(), p.walLevelName(), onOff(p.walLogHints()), onOff(p.trackCommitTimestamp()));
            case XlogRecord.RestorePoint rp -> rp.name();
            case XlogRecord.FpwChange f -> Boolean.toString(f.fullPageWrites());
            case XlogRecord.EndOfRecovery e ->
                    "tli " + e.thisTimeline() + "; prev tli " + e.prevTimeline() + "; time " + e.endTime();
            case XlogRecord.OverwriteContrecord o -> "lsn " + lsn(o.overwrittenLsn()) + "; time " + o.overwriteTime();
            case XlogRecord.Noop n -> "";
            case XlogRecord.Switch s -> "";
            case XlogRecord.FullPageImages f -> "";
        };
    }

    private static String checkpoint(XlogRecord.Checkpoint c) {
        CheckPoint f = c.checkpoint();
        return "redo " + lsn(f.redo()) + "; tli " + f.thisTimeline() + "; prev tli " + f.prevTimeline()
                + "; fpw " + f.fullPageWrites() + "; xid " + f.nextXidEpoch() + ":" + f.nextXid()
                + "; oid " + f.nextOid() + "; multi " + f.nextMulti() + "; offset " + f.nextMultiOffset()
                + "; oldest xid " + f.oldestXid() + " in DB " + f.oldestXidDb()
                + "; oldest multi " + f.oldestMulti() + " in DB " + f.oldestMultiDb()
                + "; oldest/newest commit timestamp xid: " + f.oldestCommitTsXid() + "/" + f.newestCommitTsXid()
                + "; oldest running xid " + f.oldestActiveXid() + "; " + (c.shutdown() ? "shutdown" : "online");
    }

    private static String xact(XactRecord x, DecodedRecord rec) {
        StringBuilder sb = new StringBuilder();
        switch (x) {
            case XactRecord.Commit c -> {
                completionHead(sb, c);
                rels(sb, "rels", c.droppedRels());
                subxacts(sb, c.subxacts());
                stats(sb, "", c.droppedStats());
                invalidations(sb, c.invalidations(), c.dbId(), c.tsId(),
                        (c.xinfo() & XactRecord.XINFO_UPDATE_RELCACHE_FILE) != 0);
                if ((c.xinfo() & XactRecord.XINFO_APPLY_FEEDBACK) != 0) {
                    sb.append("; apply_feedback");
                }
                if ((c.xinfo() & XactRecord.XINFO_FORCE_SYNC_COMMIT) != 0) {
                    sb.append("; sync");
                }
                origin(sb, c.origin(), rec);
            }
            case XactRecord.Abort a -> {
                completionHead(sb, a);
                rels(sb, "rels", a.droppedRels());
                subxacts(sb, a.subxacts());
                origin(sb, a.origin(), rec);
                stats(sb, "", a.droppedStats());
            }
            case XactRecord.Prepare p -> {
                sb.append("gid ").append(p.gid()).append(": ").append(p.preparedAt());
                rels(sb, "rels(commit)", p.commitRels());
                rels(sb, "rels(abort)", p.abortRels());
                stats(sb, "commit ", p.commitStats());
                stats(sb, "abort ", p.abortStats());
                subxacts(sb, p.subxacts());
                invalidations(sb, p.invalidations(), p.databaseId(), 0, p.initFileInval());
                if (rec.origin() > 0) {
                    sb.append("; origin: node ").append(rec.origin()).append(", lsn ").append(lsn(p.originLsn()))
                            .append(", at ").append(p.originTimestamp());
                }
            }
            case XactRecord.Assignment a -> {
                sb.append("xtop ").append(a.xtop()).append(": subxacts:");
                a.subxacts().forEach(s -> sb.append(' ').append(s));
            }
            case XactRecord.Invalidations i -> invalidations(sb, i.messages(), 0, 0, false);
        }
        return sb.toString();
    }

    private static void completionHead(StringBuilder sb, XactRecord.Completion c) {
        if (c.twophaseXid() != 0) {
            sb.append(c.twophaseXid()).append(": ");
        }
        sb.append(c.time());
    }

    private static void rels(StringBuilder sb, String label, List<RelFileLocator> rels) {
        if (!rels.isEmpty()) {
            sb.append("; ").append(label).append(':');
            rels.forEach(r -> sb.append(' ').append(RelationPath.of(r)));
        }
    }

    private static void subxacts(StringBuilder sb, List<Long> subxacts) {
        if (!subxacts.isEmpty()) {
            sb.append("; subxacts:");
            subxacts.forEach(s -> sb.append(' ').append(s));
        }
    }

    private static void stats(StringBuilder sb, String label, List<DroppedStats> stats) {
        if (!stats.isEmpty()) {
            sb.append("; ").append(label).append("dropped stats:");
            stats.forEach(s -> sb.append(' ').append(s));
        }
    }

    private static void invalidations(StringBuilder sb, List<InvalidationMessage> msgs, long dbId, long tsId,
                                      boolean relcacheInitFileInval) {
        if (msgs.isEmpty()) {
            return;
        }
        if (relcacheInitFileInval) {
            sb.append("; relcache init file inval dbid ").append(dbId).append(" tsid ").append(tsId);
        }
        sb.append("; inval msgs:");
        msgs.forEach(m -> sb.append(' ').append(m.describe()));
    }

    private static void origin(StringBuilder sb, XactRecord.Origin origin, DecodedRecord rec) {
        if (origin != null) {
            sb.append("; origin: node ").append(Math.max(rec.origin(), 0)).append(", lsn ").append(lsn(origin.lsn()))
                    .append(", at ").append(origin.timestamp());
        }
    }

    private static String dbase(DbaseRecord d) {
        return switch (d) {
            case DbaseRecord.CreateFileCopy c -> "copy dir " + c.srcTablespaceId() + "/" + c.srcDbId() + " to "
                    + c.tablespaceId() + "/" + c.dbId();
            case DbaseRecord.CreateWalLog c -> "create dir " + c.tablespaceId() + "/" + c.dbId();
            case DbaseRecord.Drop drop -> {
                StringBuilder sb = new StringBuilder("dir");
                drop.tablespaceIds().forEach(ts -> sb.append(' ').append(ts).append('/').append(drop.dbId()));
                yield sb.toString();
            }
        };
    }

    private static String multixact(MultiXactRecord m) {
        return switch (m) {
            case MultiXactRecord.ZeroOffsetPage z -> Integer.toString(z.pageNumber());
            case MultiXactRecord.ZeroMemberPage z -> Integer.toString(z.pageNumber());
            case MultiXactRecord.CreateId c -> {
                StringBuilder sb = new StringBuilder();
                sb.append(c.multi()).append(" offset ").append(c.offset()).append(" nmembers ")
                        .append(c.members().size()).append(": ");
                c.members().forEach(mb -> sb.append(mb.xid()).append(" (").append(mb.statusName()).append(") "));
                yield sb.toString();
            }
            case MultiXactRecord.TruncateId t -> "offsets [" + t.startTruncOff() + ", " + t.endTruncOff()
                    + "), members [" + t.startTruncMemb() + ", " + t.endTruncMemb() + ")";
        };
    }

    private static String standby(StandbyRecord s) {
        StringBuilder sb = new StringBuilder();
        switch (s) {
            case StandbyRecord.Lock l -> l.locks().forEach(h -> sb.append("xid ").append(h.xid()).append(" db ")
                    .append(h.dbOid()).append(" rel ").append(h.relOid()).append(' '));
            case StandbyRecord.RunningXacts rx -> {
                sb.append("nextXid ").append(rx.nextXid()).append(" latestCompletedXid ")
                        .append(rx.latestCompletedXid()).append(" oldestRunningXid ").append(rx.oldestRunningXid());
                if (!rx.xids().isEmpty()) {
                    sb.append("; ").append(rx.xids().size()).append(" xacts:");
                    rx.xids().forEach(x -> sb.append(' ').append(x));
                }
                if (rx.subxidOverflow()) {
                    sb.append("; subxid ovf");
                }
                if (!rx.subxids().isEmpty()) {
                    sb.append("; ").append(rx.subxids().size()).append(" subxacts:");
                    rx.subxids().forEach(x -> sb.append(' ').append(x));
                }
            }
            case StandbyRecord.Invalidations i ->
                    invalidations(sb, i.messages(), i.dbId(), i.tsId(), i.relcacheInitFileInval());
        }
        return sb.toString();
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    /** An LSN as xlogdesc prints it: %X/%X, no zero padding. */
    private static String lsn(Lsn lsn) {
        return String.format("%X/%X", lsn.value() >>> 32, lsn.value() & 0xFFFF_FFFFL);
    }
}
