package dev.cairn.redo;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;

/**
 * A record that cannot be redone on the page it was given: the page is inconsistent with it (an offset past
 * the line pointer array, no room, an item missing) or it is malformed. Names the record and the block; the
 * pageserver adds tenant and timeline. Never a silently wrong page.
 */
public class RedoException extends RuntimeException {
    private final Lsn lsn;
    private final String recordType;
    private final String block;

    public RedoException(DecodedRecord rec, BlockReference b, String message, Throwable cause) {
        super(describe(rec, b) + ": " + message, cause);
        this.lsn = rec.lsn();
        this.recordType = BlockRedo.recordType(rec);
        this.block = b == null ? "" : blockName(b);
    }

    private static String describe(DecodedRecord rec, BlockReference b) {
        return "cannot redo " + BlockRedo.recordType(rec) + " at " + rec.lsn()
                + (b == null ? "" : " on " + blockName(b));
    }

    static String blockName(BlockReference b) {
        return "block " + b.blockNumber() + " of relation " + b.rel() + " fork "
                + (b.fork() == null ? Integer.toString(b.forkNumber()) : b.fork().toString());
    }

    public Lsn lsn() {
        return lsn;
    }

    public String recordType() {
        return recordType;
    }

    /** "block N of relation spc/db/rel fork F", or empty when the record as a whole is at fault. */
    public String block() {
        return block;
    }
}
