package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;

/**
 * A block change Cairn has no Java redo for: a resource manager without one yet (the compute then ships that
 * rmgr's images through wal_consistency_checking), an extension's custom resource manager, or an info code
 * PostgreSQL 15 does not define.
 */
public final class UnsupportedRedoException extends RedoException {
    public UnsupportedRedoException(DecodedRecord rec, BlockReference b, String message) {
        super(rec, b, message, null);
    }
}
