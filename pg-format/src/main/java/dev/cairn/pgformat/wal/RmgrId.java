package dev.cairn.pgformat.wal;

/**
 * PostgreSQL's built-in resource managers (src/include/access/rmgrlist.h) with
 * the names pg_waldump prints. Ids 128..255 are custom resource managers.
 */
public enum RmgrId {
    XLOG(0, "XLOG"),
    XACT(1, "Transaction"),
    SMGR(2, "Storage"),
    CLOG(3, "CLOG"),
    DBASE(4, "Database"),
    TBLSPC(5, "Tablespace"),
    MULTIXACT(6, "MultiXact"),
    RELMAP(7, "RelMap"),
    STANDBY(8, "Standby"),
    HEAP2(9, "Heap2"),
    HEAP(10, "Heap"),
    BTREE(11, "Btree"),
    HASH(12, "Hash"),
    GIN(13, "Gin"),
    GIST(14, "Gist"),
    SEQ(15, "Sequence"),
    SPGIST(16, "SPGist"),
    BRIN(17, "BRIN"),
    COMMIT_TS(18, "CommitTs"),
    REPLORIGIN(19, "ReplicationOrigin"),
    GENERIC(20, "Generic"),
    LOGICALMSG(21, "LogicalMessage");

    public static final int MAX_BUILTIN_ID = 21;
    public static final int MIN_CUSTOM_ID = 128;

    public final int id;
    public final String pgName;

    RmgrId(int id, String pgName) {
        this.id = id;
        this.pgName = pgName;
    }

    /** The built-in rmgr with this id, or null (custom or unknown). */
    public static RmgrId ofOrNull(int id) {
        return id >= 0 && id <= MAX_BUILTIN_ID ? values()[id] : null;
    }

    /** True for ids a PostgreSQL 15 server can write: built-in or custom. */
    public static boolean isValidId(int id) {
        return (id >= 0 && id <= MAX_BUILTIN_ID) || (id >= MIN_CUSTOM_ID && id <= 255);
    }

    /** The name pg_waldump prints for any rmgr id. */
    public static String nameOf(int id) {
        RmgrId r = ofOrNull(id);
        return r != null ? r.pgName : "custom" + String.format("%03d", id);
    }
}
