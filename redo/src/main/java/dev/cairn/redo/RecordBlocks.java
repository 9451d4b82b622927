package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.page.PageCorruptException;

/** Checks of which blocks a record registers, shared by the resource managers' redo. */
public final class RecordBlocks {
    private RecordBlocks() {
    }

    /** The error for a block id the record type has no redo for. */
    public static PageCorruptException unexpected(DecodedRecord rec, BlockReference block) {
        return new PageCorruptException(BlockRedo.recordType(rec) + " has no block id " + block.blockId()
                + " to redo");
    }

    /** Requires {@code block} to be the record's block {@code blockId}. */
    public static void require(DecodedRecord rec, BlockReference block, int blockId) {
        if (block.blockId() != blockId) {
            throw unexpected(rec, block);
        }
    }

    /** Another block the record must register (a page whose number redo of this block needs). */
    public static BlockReference registered(DecodedRecord rec, int blockId) {
        BlockReference b = rec.block(blockId);
        if (b == null) {
            throw new PageCorruptException(BlockRedo.recordType(rec) + " registers no block id " + blockId);
        }
        return b;
    }
}
