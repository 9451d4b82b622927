package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

import java.util.ArrayList;
import java.util.List;

/** Decodes MultiXact rmgr main data. */
final class MultiXactDecoder {
    private MultiXactDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "MultiXact " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case MultiXactRecord.ZERO_OFF_PAGE -> new MultiXactRecord.ZeroOffsetPage(r.i32("pageno"));
            case MultiXactRecord.ZERO_MEM_PAGE -> new MultiXactRecord.ZeroMemberPage(r.i32("pageno"));
            case MultiXactRecord.CREATE_ID -> create(r);
            case MultiXactRecord.TRUNCATE_ID -> {
                r.requireRemaining(20, "xl_multixact_truncate");
                yield new MultiXactRecord.TruncateId(r.u32("oldestMultiDB"), r.u32("startTruncOff"),
                        r.u32("endTruncOff"), r.u32("startTruncMemb"), r.u32("endTruncMemb"));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }

    private static MultiXactRecord.CreateId create(PayloadReader r) {
        long mid = r.u32("mid");
        long moff = r.u32("moff");
        int n = r.count(r.i32("nmembers"), 8, "members");
        List<MultiXactRecord.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new MultiXactRecord.Member(r.u32("member xid"), r.i32("member status")));
        }
        return new MultiXactRecord.CreateId(mid, moff, List.copyOf(members));
    }
}
