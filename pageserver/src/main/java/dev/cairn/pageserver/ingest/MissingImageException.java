package dev.cairn.pageserver.ingest;

import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

/**
 * A record changes a block but carries no image of it, and Cairn has no Java
 * redo for its resource manager: materialising the page would need
 * PostgreSQL's redo. The compute must list that rmgr in wal_consistency_checking.
 */
public class MissingImageException extends IngestException {
    public static final String REQUIRED_SETTING = "wal_consistency_checking = '"
            + dev.cairn.redo.BlockRedo.consistencyCheckingSetting() + "' (or 'all')";
    private final String rmgr;

    public MissingImageException(TimelineKey timeline, Lsn lsn, String rmgr, String recordType, String block) {
        super(timeline, lsn, rmgr + " record " + recordType + " modifies " + block
                + " without a page image, and Cairn has no Java redo for rmgr " + rmgr
                + ": the compute must run with " + REQUIRED_SETTING, null);
        this.rmgr = rmgr;
    }

    /** The resource manager name as pg_waldump prints it (Heap, Btree, ...). */
    public String rmgr() {
        return rmgr;
    }
}
