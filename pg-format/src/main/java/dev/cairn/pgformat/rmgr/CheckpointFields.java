package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.Lsn;

/**
 * The CheckPoint struct of pg_control.h (88 bytes in PostgreSQL 15), as carried
 * by CHECKPOINT_SHUTDOWN / CHECKPOINT_ONLINE records. The xid/oid fields are
 * unsigned 32-bit values widened to long; {@code nextXid} is the 64-bit
 * FullTransactionId (epoch in the high half).
 *
 * <p>Interim: to be replaced by dev.cairn.pgformat.control.CheckPoint once that codec lands.
 */
public record CheckpointFields(Lsn redo, long thisTimeline, long prevTimeline, boolean fullPageWrites,
                               long nextFullXid, long nextOid, long nextMulti, long nextMultiOffset,
                               long oldestXid, long oldestXidDb, long oldestMulti, long oldestMultiDb,
                               long time, long oldestCommitTsXid, long newestCommitTsXid, long oldestActiveXid) {

    /** sizeof(CheckPoint) on 64-bit platforms. */
    public static final int SIZE = 88;

    static CheckpointFields read(PayloadReader r) {
        r.requireRemaining(SIZE, "CheckPoint");
        Lsn redo = r.lsnField("redo");
        long tli = r.u32("ThisTimeLineID");
        long prevTli = r.u32("PrevTimeLineID");
        boolean fpw = r.bool("fullPageWrites");
        r.skip(7, "padding");
        long nextXid = r.i64("nextXid");
        long nextOid = r.u32("nextOid");
        long nextMulti = r.u32("nextMulti");
        long nextMultiOffset = r.u32("nextMultiOffset");
        long oldestXid = r.u32("oldestXid");
        long oldestXidDb = r.u32("oldestXidDB");
        long oldestMulti = r.u32("oldestMulti");
        long oldestMultiDb = r.u32("oldestMultiDB");
        r.skip(4, "padding");
        long time = r.i64("time");
        long oldestCommitTs = r.u32("oldestCommitTsXid");
        long newestCommitTs = r.u32("newestCommitTsXid");
        long oldestActive = r.u32("oldestActiveXid");
        r.skip(4, "padding");
        return new CheckpointFields(redo, tli, prevTli, fpw, nextXid, nextOid, nextMulti, nextMultiOffset, oldestXid,
                oldestXidDb, oldestMulti, oldestMultiDb, time, oldestCommitTs, newestCommitTs, oldestActive);
    }

    /** The epoch half of nextXid. */
    public long nextXidEpoch() {
        return nextFullXid >>> 32;
    }

    /** The 32-bit xid half of nextXid. */
    public long nextXid() {
        return nextFullXid & 0xFFFF_FFFFL;
    }
}
