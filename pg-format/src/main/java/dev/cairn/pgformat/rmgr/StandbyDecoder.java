package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

import java.util.ArrayList;
import java.util.List;

/** Decodes Standby rmgr main data. */
final class StandbyDecoder {
    private StandbyDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "Standby " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case StandbyRecord.LOCK -> locks(r);
            case StandbyRecord.RUNNING_XACTS -> runningXacts(r);
            case StandbyRecord.INVALIDATIONS -> {
                r.requireRemaining(16, "xl_invalidations");
                long db = r.u32("dbId");
                long ts = r.u32("tsId");
                boolean initFile = r.bool("relcacheInitFileInval");
                r.skip(3, "padding");
                int n = r.i32("nmsgs");
                yield new StandbyRecord.Invalidations(db, ts, initFile, InvalidationMessage.readAll(r, n));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }

    private static StandbyRecord.Lock locks(PayloadReader r) {
        int n = r.count(r.i32("nlocks"), 12, "locks");
        List<StandbyRecord.HeldLock> locks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            locks.add(new StandbyRecord.HeldLock(r.u32("xid"), r.u32("dbOid"), r.u32("relOid")));
        }
        return new StandbyRecord.Lock(List.copyOf(locks));
    }

    private static StandbyRecord.RunningXacts runningXacts(PayloadReader r) {
        r.requireRemaining(24, "xl_running_xacts");
        int xcnt = r.i32("xcnt");
        int subxcnt = r.i32("subxcnt");
        boolean overflow = r.bool("subxid_overflow");
        r.skip(3, "padding");
        long nextXid = r.u32("nextXid");
        long oldestRunning = r.u32("oldestRunningXid");
        long latestCompleted = r.u32("latestCompletedXid");
        if (xcnt < 0 || subxcnt < 0) {
            throw r.malformed("negative xcnt " + xcnt + " / subxcnt " + subxcnt);
        }
        r.count((long) xcnt + subxcnt, 4, "xids");
        var xids = r.u32List(xcnt, "xids");
        var subxids = r.u32List(subxcnt, "subxids");
        return new StandbyRecord.RunningXacts(nextXid, oldestRunning, latestCompleted, overflow, xids, subxids);
    }
}
