package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.page.Page;

/**
 * One resource manager's block redo (its rm_redo, per block) and its rm_mask. Pure: no I/O, no state.
 */
public interface RmgrRedo {
    /**
     * Redoes {@code rec} on one of its blocks. {@code page} holds the block's previous version (all zeros when
     * the record initialises it) and is changed in place; the caller sets the LSN afterwards.
     *
     * @throws dev.cairn.redo.page.PageCorruptException when the page is not one the record can apply to
     * @throws UnsupportedRedoException                 for a record type this resource manager has no redo for
     */
    void redo(DecodedRecord rec, BlockReference block, Page page);

    /**
     * True if a block that does not exist yet is read as zeros (RBM_ZERO_ON_ERROR) rather than being an error:
     * the visibility-map page of heap2 VISIBLE.
     */
    default boolean zeroIfMissing(DecodedRecord rec, BlockReference block) {
        return false;
    }

    /**
     * False for a block the record registers without changing it (a hash bucket's primary page, locked while
     * tuples move further down its chain): its version stays as it was, page LSN included.
     */
    default boolean changes(DecodedRecord rec, BlockReference block) {
        return true;
    }

    /**
     * What redo changes even on a block it restored from an image: a change PostgreSQL makes to the page after
     * taking the image (GiST's left child of a split). Nothing by default.
     */
    default void afterImage(DecodedRecord rec, BlockReference block, Page page) {
    }

    /** Blanks what may legitimately differ between PostgreSQL's page and a redone one (its rm_mask). */
    void mask(Page page, long blockNumber);
}
