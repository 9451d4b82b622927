package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes Tablespace rmgr main data: xl_tblspc_create_rec and xl_tblspc_drop_rec. */
final class TablespaceDecoder {
    private TablespaceDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "Tablespace " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case TablespaceRecord.CREATE -> new TablespaceRecord.Create(r.u32("ts_id"), r.cString("ts_path"));
            case TablespaceRecord.DROP -> new TablespaceRecord.Drop(r.u32("ts_id"));
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }
}
