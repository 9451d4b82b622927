package dev.cairn.pgformat.rmgr;

import java.util.List;

/** Records of the Standby resource manager (rmgr 8), per storage/standbydefs.h. */
public sealed interface StandbyRecord extends RmgrRecord {
    int LOCK = 0x00;
    int RUNNING_XACTS = 0x10;
    int INVALIDATIONS = 0x20;

    /** AccessExclusiveLocks held by transactions (xl_standby_lock). */
    record Lock(List<HeldLock> locks) implements StandbyRecord {
    }

    record HeldLock(long xid, long dbOid, long relOid) {
    }

    /** A snapshot of running transactions (xl_running_xacts); {@code subxids} follow the top-level xids. */
    record RunningXacts(long nextXid, long oldestRunningXid, long latestCompletedXid, boolean subxidOverflow,
                        List<Long> xids, List<Long> subxids) implements StandbyRecord {
    }

    /** Invalidations logged outside a transaction's commit (xl_invalidations). */
    record Invalidations(long dbId, long tsId, boolean relcacheInitFileInval, List<InvalidationMessage> messages)
            implements StandbyRecord {
    }
}
