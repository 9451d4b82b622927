package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

/**
 * Record type names of every built-in PostgreSQL 15 resource manager, as the
 * rmgrs' identify functions return them (what pg_waldump prints first in
 * "desc" and groups by in {@code --stats=record}).
 */
public final class RecordTypeNames {
    private RecordTypeNames() {
    }

    /** Names indexed by (masked info) >> 4; the mask is 0xF0 except where noted. */
    private static final String[][] NAMES = new String[RmgrId.MAX_BUILTIN_ID + 1][];

    private static void names(RmgrId rmgr, String... byNibble) {
        String[] table = new String[16];
        System.arraycopy(byNibble, 0, table, 0, byNibble.length);
        NAMES[rmgr.id] = table;
    }

    static {
        names(RmgrId.XLOG, "CHECKPOINT_SHUTDOWN", "CHECKPOINT_ONLINE", "NOOP", "NEXTOID", "SWITCH", "BACKUP_END",
                "PARAMETER_CHANGE", "RESTORE_POINT", "FPW_CHANGE", "END_OF_RECOVERY", "FPI_FOR_HINT", "FPI", null,
                "OVERWRITE_CONTRECORD");
        // masked with XLOG_XACT_OPMASK (0x70): the 0x80 bit is XLOG_XACT_HAS_INFO
        names(RmgrId.XACT, "COMMIT", "PREPARE", "ABORT", "COMMIT_PREPARED", "ABORT_PREPARED", "ASSIGNMENT",
                "INVALIDATION");
        names(RmgrId.SMGR, null, "CREATE", "TRUNCATE");
        names(RmgrId.CLOG, "ZEROPAGE", "TRUNCATE");
        names(RmgrId.DBASE, "CREATE_FILE_COPY", "CREATE_WAL_LOG", "DROP");
        names(RmgrId.TBLSPC, "CREATE", "DROP");
        names(RmgrId.MULTIXACT, "ZERO_OFF_PAGE", "ZERO_MEM_PAGE", "CREATE_ID", "TRUNCATE_ID");
        names(RmgrId.RELMAP, "UPDATE");
        names(RmgrId.STANDBY, "LOCK", "RUNNING_XACTS", "INVALIDATIONS");
        names(RmgrId.HEAP2, "REWRITE", "PRUNE", "VACUUM", "FREEZE_PAGE", "VISIBLE", "MULTI_INSERT", "LOCK_UPDATED",
                "NEW_CID", null, null, null, null, null, "MULTI_INSERT+INIT");
        names(RmgrId.HEAP, "INSERT", "DELETE", "UPDATE", "TRUNCATE", "HOT_UPDATE", "HEAP_CONFIRM", "LOCK", "INPLACE",
                "INSERT+INIT", null, "UPDATE+INIT", null, "HOT_UPDATE+INIT");
        names(RmgrId.BTREE, "INSERT_LEAF", "INSERT_UPPER", "INSERT_META", "SPLIT_L", "SPLIT_R", "INSERT_POST",
                "DEDUP", "DELETE", "UNLINK_PAGE", "UNLINK_PAGE_META", "NEWROOT", "MARK_PAGE_HALFDEAD", "VACUUM",
                "REUSE_PAGE", "META_CLEANUP");
        names(RmgrId.HASH, "INIT_META_PAGE", "INIT_BITMAP_PAGE", "INSERT", "ADD_OVFL_PAGE", "SPLIT_ALLOCATE_PAGE",
                "SPLIT_PAGE", "SPLIT_COMPLETE", "MOVE_PAGE_CONTENTS", "SQUEEZE_PAGE", "DELETE", "SPLIT_CLEANUP",
                "UPDATE_META_PAGE", "VACUUM_ONE_PAGE");
        names(RmgrId.GIN, null, "CREATE_PTREE", "INSERT", "SPLIT", "VACUUM_PAGE", "DELETE_PAGE", "UPDATE_META_PAGE",
                "INSERT_LISTPAGE", "DELETE_LISTPAGE", "VACUUM_DATA_LEAF_PAGE");
        names(RmgrId.GIST, "PAGE_UPDATE", "DELETE", "PAGE_REUSE", "PAGE_SPLIT", null, null, "PAGE_DELETE",
                "ASSIGN_LSN");
        names(RmgrId.SEQ, "LOG");
        names(RmgrId.SPGIST, null, "ADD_LEAF", "MOVE_LEAFS", "ADD_NODE", "SPLIT_TUPLE", "PICKSPLIT", "VACUUM_LEAF",
                "VACUUM_ROOT", "VACUUM_REDIRECT");
        names(RmgrId.BRIN, "CREATE_INDEX", "INSERT", "UPDATE", "SAMEPAGE_UPDATE", "REVMAP_EXTEND", "DESUMMARIZE",
                null, null, null, "INSERT+INIT", "UPDATE+INIT");
        names(RmgrId.COMMIT_TS, "ZEROPAGE", "TRUNCATE");
        names(RmgrId.REPLORIGIN, "SET", "DROP");
        // generic_identify names every record "Generic"
        names(RmgrId.GENERIC, "Generic", "Generic", "Generic", "Generic", "Generic", "Generic", "Generic", "Generic",
                "Generic", "Generic", "Generic", "Generic", "Generic", "Generic", "Generic", "Generic");
        names(RmgrId.LOGICALMSG, "MESSAGE");
    }

    /** The record type name, or null when the rmgr is custom/unknown or the info value is not a known type. */
    public static String nameOrNull(int rmid, int xlInfo) {
        if (rmid < 0 || rmid > RmgrId.MAX_BUILTIN_ID) {
            return null;
        }
        int mask = rmid == RmgrId.XACT.id ? XactRecord.OPMASK : 0xF0;
        return NAMES[rmid][(xlInfo & mask) >> 4];
    }

    /** The name, or {@code UNKNOWN (xx)} as pg_waldump prints an unidentified type. */
    public static String display(int rmid, int xlInfo) {
        String name = nameOrNull(rmid, xlInfo);
        return name != null ? name : String.format("UNKNOWN (%x)", xlInfo & 0xF0);
    }

    public static String display(DecodedRecord rec) {
        return display(rec.rmid(), rec.header().info());
    }
}
