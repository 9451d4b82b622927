package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes Database rmgr main data. */
final class DbaseDecoder {
    private DbaseDecoder() {
    }

    static RmgrRecord decode(DecodedRecord rec) {
        PayloadReader r = PayloadReader.of(rec, "Database " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (rec.rmgrInfo()) {
            case DbaseRecord.CREATE_FILE_COPY -> {
                r.requireRemaining(16, "xl_dbase_create_file_copy_rec");
                yield new DbaseRecord.CreateFileCopy(r.u32("db_id"), r.u32("tablespace_id"), r.u32("src_db_id"),
                        r.u32("src_tablespace_id"));
            }
            case DbaseRecord.CREATE_WAL_LOG -> {
                r.requireRemaining(8, "xl_dbase_create_wal_log_rec");
                yield new DbaseRecord.CreateWalLog(r.u32("db_id"), r.u32("tablespace_id"));
            }
            case DbaseRecord.DROP -> {
                long dbId = r.u32("db_id");
                int n = r.i32("ntablespaces");
                yield new DbaseRecord.Drop(dbId, r.u32List(n, "tablespace_ids"));
            }
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }
}
