package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.DecodedRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.cairn.pgformat.rmgr.XactRecord.*;

/** Decodes Transaction rmgr main data (ParseCommitRecord / ParseAbortRecord / ParsePrepareRecord layouts). */
final class XactDecoder {
    /** sizeof(xl_xact_prepare). */
    static final int PREPARE_HEADER_SIZE = 72;

    private XactDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        int info = rec.header().info();
        int op = info & OPMASK;
        PayloadReader r = PayloadReader.of(rec, "Transaction " + RecordTypeNames.display(rec.rmid(), info));
        return switch (op) {
            case COMMIT, COMMIT_PREPARED -> commit(rec, r, info, op == COMMIT_PREPARED);
            case ABORT, ABORT_PREPARED -> abort(rec, r, info, op == ABORT_PREPARED);
            case PREPARE -> prepare(r);
            case ASSIGNMENT -> {
                long xtop = r.u32("xtop");
                int n = r.i32("nsubxacts");
                yield new Assignment(xtop, r.u32List(n, "xsub"));
            }
            case INVALIDATIONS -> {
                int n = r.i32("nmsgs");
                yield new Invalidations(InvalidationMessage.readAll(r, n));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }

    /** The variable part shared by commit and abort, in record order. */
    private record Parts(int xinfo, long dbId, long tsId, List<Long> subxacts, List<RelFileLocator> rels,
                         List<DroppedStats> stats, List<InvalidationMessage> invals, long twophaseXid, String gid,
                         Origin origin) {
    }

    private static Parts parts(PayloadReader r, int info, boolean commit) {
        int xinfo = (info & HAS_INFO) != 0 ? r.i32("xinfo") : 0;
        long dbId = 0;
        long tsId = 0;
        if ((xinfo & XINFO_HAS_DBINFO) != 0) {
            dbId = r.u32("dbId");
            tsId = r.u32("tsId");
        }
        List<Long> subxacts = List.of();
        if ((xinfo & XINFO_HAS_SUBXACTS) != 0) {
            subxacts = r.u32List(r.i32("nsubxacts"), "subxacts");
        }
        List<RelFileLocator> rels = List.of();
        if ((xinfo & XINFO_HAS_RELFILENODES) != 0) {
            rels = r.relFileLocators(r.i32("nrels"), "xnodes");
        }
        List<DroppedStats> stats = List.of();
        if ((xinfo & XINFO_HAS_DROPPED_STATS) != 0) {
            stats = DroppedStats.readAll(r, r.i32("nitems"));
        }
        // Abort records never carry invalidations; PostgreSQL ignores the bit there, so do we.
        List<InvalidationMessage> invals = List.of();
        if (commit && (xinfo & XINFO_HAS_INVALS) != 0) {
            invals = InvalidationMessage.readAll(r, r.i32("nmsgs"));
        }
        long twophaseXid = 0;
        String gid = null;
        if ((xinfo & XINFO_HAS_TWOPHASE) != 0) {
            twophaseXid = r.u32("twophase xid");
            if ((xinfo & XINFO_HAS_GID) != 0) {
                gid = r.cString("twophase_gid");
            }
        }
        Origin origin = null;
        if ((xinfo & XINFO_HAS_ORIGIN) != 0) {
            // stored unaligned after the GID; ByteBuffer reads do not care
            origin = new Origin(r.lsnField("origin_lsn"), r.timestamp("origin_timestamp"));
        }
        return new Parts(xinfo, dbId, tsId, subxacts, rels, stats, invals, twophaseXid, gid, origin);
    }

    private static long completedXid(DecodedRecord rec, Parts p) {
        return p.twophaseXid() != 0 ? p.twophaseXid() : rec.header().xidUnsigned();
    }

    private static Commit commit(DecodedRecord rec, PayloadReader r, int info, boolean prepared) {
        PgTimestamp time = r.timestamp("xact_time");
        Parts p = parts(r, info, true);
        return new Commit(completedXid(rec, p), prepared, time, p.xinfo(), p.dbId(), p.tsId(), p.subxacts(), p.rels(),
                p.stats(), p.invals(), p.twophaseXid(), p.gid(), p.origin());
    }

    private static Abort abort(DecodedRecord rec, PayloadReader r, int info, boolean prepared) {
        PgTimestamp time = r.timestamp("xact_time");
        Parts p = parts(r, info, false);
        return new Abort(completedXid(rec, p), prepared, time, p.xinfo(), p.dbId(), p.tsId(), p.subxacts(), p.rels(),
                p.stats(), p.twophaseXid(), p.gid(), p.origin());
    }

    /** The 2PC state: a MAXALIGNed header, then MAXALIGNed arrays in a fixed order (twophase.c StartPrepare). */
    private static Prepare prepare(PayloadReader r) {
        r.requireRemaining(PREPARE_HEADER_SIZE, "xl_xact_prepare");
        long magic = r.u32("magic");
        long totalLen = r.u32("total_len");
        long xid = r.u32("xid");
        long database = r.u32("database");
        PgTimestamp preparedAt = r.timestamp("prepared_at");
        long owner = r.u32("owner");
        int nsubxacts = r.i32("nsubxacts");
        int ncommitrels = r.i32("ncommitrels");
        int nabortrels = r.i32("nabortrels");
        int ncommitstats = r.i32("ncommitstats");
        int nabortstats = r.i32("nabortstats");
        int ninvalmsgs = r.i32("ninvalmsgs");
        boolean initFileInval = r.bool("initfileinval");
        r.skip(1, "padding");
        int gidlen = r.u16("gidlen");
        var originLsn = r.lsnField("origin_lsn");
        PgTimestamp originTs = r.timestamp("origin_timestamp");

        byte[] gidBytes = r.bytes(gidlen, "gid");
        int end = 0;
        while (end < gidBytes.length && gidBytes[end] != 0) {
            end++;
        }
        String gid = new String(gidBytes, 0, end, StandardCharsets.UTF_8);
        List<Long> subxacts = section(r, nsubxacts, 4) ? r.u32List(nsubxacts, "subxacts") : List.of();
        List<RelFileLocator> commitRels =
                section(r, ncommitrels, 12) ? r.relFileLocators(ncommitrels, "commitrels") : List.of();
        List<RelFileLocator> abortRels =
                section(r, nabortrels, 12) ? r.relFileLocators(nabortrels, "abortrels") : List.of();
        List<DroppedStats> commitStats =
                section(r, ncommitstats, DroppedStats.SIZE) ? DroppedStats.readAll(r, ncommitstats) : List.of();
        List<DroppedStats> abortStats =
                section(r, nabortstats, DroppedStats.SIZE) ? DroppedStats.readAll(r, nabortstats) : List.of();
        List<InvalidationMessage> invals = section(r, ninvalmsgs, InvalidationMessage.SIZE)
                ? InvalidationMessage.readAll(r, ninvalmsgs) : List.of();
        return new Prepare(magic, totalLen, xid, database, preparedAt, owner, subxacts, commitRels, abortRels,
                commitStats, abortStats, invals, initFileInval, gid, originLsn, originTs);
    }

    /**
     * Positions at the next MAXALIGNed section; false when it is empty. A negative
     * count is malformed; an oversized one fails in the read that follows.
     */
    private static boolean section(PayloadReader r, int count, int elementSize) {
        if (count < 0) {
            throw r.malformed("negative count " + count + " in 2PC state");
        }
        if (count == 0) {
            return false;
        }
        r.alignTo(PgConstants.MAXALIGN, "2PC padding");
        r.count(count, elementSize, "2PC array");
        return true;
    }
}
