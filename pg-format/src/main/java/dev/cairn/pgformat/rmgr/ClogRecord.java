package dev.cairn.pgformat.rmgr;

/** Records of the CLOG resource manager (rmgr 3), per access/clog.h. */
public sealed interface ClogRecord extends RmgrRecord {
    int ZEROPAGE = 0x00;
    int TRUNCATE = 0x10;

    /** A pg_xact page was initialised to zeroes. */
    record ZeroPage(int pageNumber) implements ClogRecord {
    }

    /** pg_xact was truncated before {@code pageNumber}; xids before {@code oldestXact} are gone. */
    record Truncate(int pageNumber, long oldestXact, long oldestXactDb) implements ClogRecord {
    }
}
