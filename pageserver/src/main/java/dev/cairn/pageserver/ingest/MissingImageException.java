package dev.cairn.pageserver.ingest;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/**
 * A record changes a block without carrying its image, and Cairn has no redo for its resource manager: every
 * built-in one that changes blocks has Java redo, so this is an extension's custom resource manager that the
 * operator let ingest skip. Materialising the page would need the extension's own redo, so ingest stops here
 * rather than serve a stale page.
 */
public class MissingImageException extends IngestException {
    private final String rmgr;

    public MissingImageException(TimelineKey timeline, Lsn lsn, String rmgr, String recordType, String block) {
        super(timeline, lsn, rmgr + " record " + recordType + " modifies " + block
                + " without a page image, and Cairn has no redo for custom resource manager " + rmgr
                + " (skipping a custom rmgr is safe only for one that changes no relation block)", null);
        this.rmgr = rmgr;
    }

    /** The resource manager name as pg_waldump prints it (Heap, Btree, custom130, ...). */
    public String rmgr() {
        return rmgr;
    }
}
