package dev.cairn.pgformat.rmgr;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;

import java.util.List;

/** Records of the Transaction resource manager (rmgr 1), per access/xact.h. Xids are unsigned, widened to long. */
public sealed interface XactRecord extends RmgrRecord {
    int COMMIT = 0x00;
    int PREPARE = 0x10;
    int ABORT = 0x20;
    int COMMIT_PREPARED = 0x30;
    int ABORT_PREPARED = 0x40;
    int ASSIGNMENT = 0x50;
    int INVALIDATIONS = 0x60;
    /** Mask for the record type within xl_info (the 0x80 bit is HAS_INFO, not a type). */
    int OPMASK = 0x70;
    /** xl_info bit: an xl_xact_xinfo word follows xact_time. */
    int HAS_INFO = 0x80;
    /** xl_xact_prepare.magic (TWOPHASE_MAGIC of PostgreSQL 15's twophase.c). */
    long TWOPHASE_MAGIC = 0x57F94534L;

    int XINFO_HAS_DBINFO = 1;
    int XINFO_HAS_SUBXACTS = 1 << 1;
    int XINFO_HAS_RELFILENODES = 1 << 2;
    int XINFO_HAS_INVALS = 1 << 3;
    int XINFO_HAS_TWOPHASE = 1 << 4;
    int XINFO_HAS_ORIGIN = 1 << 5;
    int XINFO_HAS_AE_LOCKS = 1 << 6;
    int XINFO_HAS_GID = 1 << 7;
    int XINFO_HAS_DROPPED_STATS = 1 << 8;
    int XINFO_APPLY_FEEDBACK = 1 << 29;
    int XINFO_UPDATE_RELCACHE_FILE = 1 << 30;
    int XINFO_FORCE_SYNC_COMMIT = 1 << 31;

    /** Replication origin of a commit/abort (xl_xact_origin). */
    record Origin(Lsn lsn, PgTimestamp timestamp) {
    }

    /**
     * What commit and abort records share: the fate of {@link #xid()} and its
     * subtransactions, and the relation files to unlink.
     */
    sealed interface Completion extends XactRecord permits Commit, Abort {
        /** The transaction whose fate this record decides: the two-phase xid for *_PREPARED, else xl_xid. */
        long xid();

        boolean committed();

        /** True for COMMIT_PREPARED / ABORT_PREPARED. */
        boolean prepared();

        PgTimestamp time();

        int xinfo();

        List<Long> subxacts();

        List<RelFileLocator> droppedRels();

        List<DroppedStats> droppedStats();

        /** xl_xact_twophase.xid, or 0 when absent. */
        long twophaseXid();

        /** The GID of a prepared transaction, or null when not logged. */
        String gid();

        /** Null when the record carries no origin. */
        Origin origin();
    }

    record Commit(long xid, boolean prepared, PgTimestamp time, int xinfo, long dbId, long tsId,
                  List<Long> subxacts, List<RelFileLocator> droppedRels, List<DroppedStats> droppedStats,
                  List<InvalidationMessage> invalidations, long twophaseXid, String gid, Origin origin)
            implements Completion {
        @Override
        public boolean committed() {
            return true;
        }
    }

    record Abort(long xid, boolean prepared, PgTimestamp time, int xinfo, long dbId, long tsId,
                 List<Long> subxacts, List<RelFileLocator> droppedRels, List<DroppedStats> droppedStats,
                 long twophaseXid, String gid, Origin origin) implements Completion {
        @Override
        public boolean committed() {
            return false;
        }
    }

    /**
     * PREPARE: the two-phase state (xl_xact_prepare, i.e. TwoPhaseFileHeader, and
     * the arrays after it). {@code stateBytes} is the raw 2PC state that a
     * basebackup writes to pg_twophase/XID (plus a CRC).
     */
    record Prepare(long magic, long totalLength, long xid, long databaseId, PgTimestamp preparedAt, long owner,
                   List<Long> subxacts, List<RelFileLocator> commitRels, List<RelFileLocator> abortRels,
                   List<DroppedStats> commitStats, List<DroppedStats> abortStats,
                   List<InvalidationMessage> invalidations, boolean initFileInval, String gid,
                   Lsn originLsn, PgTimestamp originTimestamp) implements XactRecord {
    }

    /** ASSIGNMENT: subtransaction xids assigned under {@code xtop}. */
    record Assignment(long xtop, List<Long> subxacts) implements XactRecord {
    }

    /** INVALIDATIONS (logical decoding): invalidation messages logged at command end. */
    record Invalidations(List<InvalidationMessage> messages) implements XactRecord {
    }
}
