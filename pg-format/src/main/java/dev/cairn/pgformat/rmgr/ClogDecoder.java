package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes CLOG rmgr main data. */
final class ClogDecoder {
    private ClogDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "CLOG " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case ClogRecord.ZEROPAGE -> new ClogRecord.ZeroPage(r.i32("pageno"));
            case ClogRecord.TRUNCATE -> {
                r.requireRemaining(12, "xl_clog_truncate");
                yield new ClogRecord.Truncate(r.i32("pageno"), r.u32("oldestXact"), r.u32("oldestXactDb"));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }
}
