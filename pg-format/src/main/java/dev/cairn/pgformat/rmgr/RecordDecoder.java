package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;

/**
 * Entry point: turns a {@link DecodedRecord} into the typed record of its
 * resource manager, using PostgreSQL 15 layouts. Rmgrs and record types the
 * storage tier does not interpret come back as {@link OpaqueRecord}; main data
 * that is too short for its type, or whose counts exceed it, raises
 * {@link WalFormatException} with cause BAD_PAYLOAD and the record's LSN.
 * Heap visibility-map side effects are in {@link VisibilityMapEffects}.
 */
public final class RecordDecoder {
    private RecordDecoder() {
    }

    public static RmgrRecord decode(DecodedRecord rec) {
        RmgrId rmgr = rec.rmgr();
        if (rmgr == null) {
            return new OpaqueRecord(rec.header(), rec.blocks());
        }
        return switch (rmgr) {
            case XLOG -> XlogDecoder.decode(rec);
            case XACT -> XactDecoder.decode(rec);
            case SMGR -> SmgrDecoder.decode(rec);
            case CLOG -> ClogDecoder.decode(rec);
            case DBASE -> DbaseDecoder.decode(rec);
            case TBLSPC -> TablespaceDecoder.decode(rec);
            case MULTIXACT -> MultiXactDecoder.decode(rec);
            case RELMAP -> RelMapDecoder.decode(rec);
            case STANDBY -> StandbyDecoder.decode(rec);
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }
}
