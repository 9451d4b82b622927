package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes RelMap rmgr main data. */
final class RelMapDecoder {
    private RelMapDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        if (rec.rmgrInfo() != RelMapRecord.UPDATE) {
            return new OpaqueRecord(rec.header(), rec.blocks());
        }
        PayloadReader r = PayloadReader.of(rec, "RelMap UPDATE");
        long dbId = r.u32("dbid");
        long tsId = r.u32("tsid");
        int nbytes = r.i32("nbytes");
        return new RelMapRecord.Update(dbId, tsId, r.bytes(nbytes, "relmap data"));
    }
}
