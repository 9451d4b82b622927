package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes Storage rmgr main data. */
final class SmgrDecoder {
    private SmgrDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "Storage " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case SmgrRecord.CREATE -> {
                r.requireRemaining(16, "xl_smgr_create");
                yield new SmgrRecord.Create(r.relFileLocator("rnode"), r.i32("forkNum"));
            }
            case SmgrRecord.TRUNCATE -> {
                r.requireRemaining(20, "xl_smgr_truncate");
                yield new SmgrRecord.Truncate(r.u32("blkno"), r.relFileLocator("rnode"), r.i32("flags"));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }
}
