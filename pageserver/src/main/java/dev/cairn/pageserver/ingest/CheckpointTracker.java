package dev.cairn.pageserver.ingest;

import dev.cairn.pgformat.control.CheckPoint;

/**
 * The checkpoint fields a synthetic shutdown checkpoint needs (nextXid,
 * nextOid, nextMulti, nextMultiOffset, oldestXid, oldestMulti...), tracked
 * from the WAL the way PostgreSQL's redo tracks them (xlog_redo,
 * AdvanceNextFullTransactionIdPastXid, MultiXactAdvanceNextMXact).
 */
final class CheckpointTracker {
    private static final long FIRST_NORMAL_XID = 3;
    private static final long FIRST_MULTI = 1;

    private CheckPoint current;
    private boolean changed;

    CheckpointTracker(CheckPoint initial) {
        this.current = initial;
    }

    CheckPoint current() {
        return current;
    }

    /** Back to {@code earlier} (what {@link #current()} was before a record that could not be stored), unchanged. */
    void reset(CheckPoint earlier) {
        current = earlier;
        changed = false;
    }

    /** True if the fields changed since the last call. */
    boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    /** An xid seen in the WAL: nextXid moves past it (into the next epoch when it wrapped). */
    void advancePastXid(long xid) {
        if (xid < FIRST_NORMAL_XID) {
            return;
        }
        long full = current.nextFullXid();
        long next = full & 0xFFFF_FFFFL;
        if (!followsOrEquals(xid, next)) {
            return;
        }
        long epoch = full >>> 32;
        long after = (xid + 1) & 0xFFFF_FFFFL;
        if (after < FIRST_NORMAL_XID) {
            after = FIRST_NORMAL_XID;
        }
        if (after < next) {
            epoch++;
        }
        set(with(current, (epoch << 32) | after, current.nextOid(), current.nextMulti(), current.nextMultiOffset(),
                current.oldestXid(), current.oldestXidDb(), current.oldestMulti(), current.oldestMultiDb()));
    }

    void nextOid(long oid) {
        set(with(current, current.nextFullXid(), oid, current.nextMulti(), current.nextMultiOffset(),
                current.oldestXid(), current.oldestXidDb(), current.oldestMulti(), current.oldestMultiDb()));
    }

    /** A checkpoint record: a shutdown checkpoint is authoritative; an online one only moves counters forward. */
    void checkpoint(boolean shutdown, CheckPoint cp) {
        if (shutdown) {
            set(with(current, cp.nextFullXid(), cp.nextOid(), cp.nextMulti(), cp.nextMultiOffset(), cp.oldestXid(),
                    cp.oldestXidDb(), cp.oldestMulti(), cp.oldestMultiDb()));
            return;
        }
        // the online checkpoint's nextOid is from its start and may be stale: NEXTOID records are authoritative
        long nextFullXid = Long.compareUnsigned(cp.nextFullXid(), current.nextFullXid()) > 0 ? cp.nextFullXid()
                : current.nextFullXid();
        CheckPoint c = with(current, nextFullXid, current.nextOid(), current.nextMulti(), current.nextMultiOffset(),
                current.oldestXid(), current.oldestXidDb(), current.oldestMulti(), current.oldestMultiDb());
        set(c);
        advanceMulti(cp.nextMulti(), cp.nextMultiOffset());
        advanceOldestMulti(cp.oldestMulti(), cp.oldestMultiDb());
        advanceOldestXid(cp.oldestXid(), cp.oldestXidDb());
    }

    /** MultiXactAdvanceNextMXact: counters only move forward (modulo 2^32). */
    void advanceMulti(long nextMulti, long nextOffset) {
        long multi = current.nextMulti();
        long offset = current.nextMultiOffset();
        if (precedes(multi, nextMulti)) {
            multi = nextMulti < FIRST_MULTI ? FIRST_MULTI : nextMulti;
        }
        if (precedes(offset, nextOffset)) {
            offset = nextOffset;
        }
        set(with(current, current.nextFullXid(), current.nextOid(), multi, offset, current.oldestXid(),
                current.oldestXidDb(), current.oldestMulti(), current.oldestMultiDb()));
    }

    void advanceOldestMulti(long oldestMulti, long db) {
        if (precedes(current.oldestMulti(), oldestMulti)) {
            set(with(current, current.nextFullXid(), current.nextOid(), current.nextMulti(), current.nextMultiOffset(),
                    current.oldestXid(), current.oldestXidDb(), oldestMulti, db));
        }
    }

    void advanceOldestXid(long oldestXid, long db) {
        if (oldestXid >= FIRST_NORMAL_XID && precedes(current.oldestXid(), oldestXid)) {
            set(with(current, current.nextFullXid(), current.nextOid(), current.nextMulti(), current.nextMultiOffset(),
                    oldestXid, db, current.oldestMulti(), current.oldestMultiDb()));
        }
    }

    private void set(CheckPoint c) {
        if (!c.equals(current)) {
            current = c;
            changed = true;
        }
    }

    /** TransactionIdFollowsOrEquals / MultiXactIdPrecedes: comparison modulo 2^32. */
    private static boolean followsOrEquals(long a, long b) {
        return (int) (a - b) >= 0;
    }

    private static boolean precedes(long a, long b) {
        return (int) (a - b) < 0;
    }

    private static CheckPoint with(CheckPoint c, long nextFullXid, long nextOid, long nextMulti, long nextMultiOffset,
                                   long oldestXid, long oldestXidDb, long oldestMulti, long oldestMultiDb) {
        return new CheckPoint(c.redo(), c.thisTimeline(), c.prevTimeline(), c.fullPageWrites(), nextFullXid, nextOid,
                nextMulti, nextMultiOffset, oldestXid, oldestXidDb, oldestMulti, oldestMultiDb, c.time(),
                c.oldestCommitTsXid(), c.newestCommitTsXid(), c.oldestActiveXid());
    }
}
