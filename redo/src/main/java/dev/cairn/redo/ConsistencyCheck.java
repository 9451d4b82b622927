package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.FullPageImage;
import dev.cairn.redo.page.Page;

import java.util.HexFormat;
import java.util.Optional;

/**
 * PostgreSQL's own check (verifyBackupPageConsistency): a block that carries a wal_consistency_checking image
 * (not one to replay) is compared with the redone page after both are masked by the rmgr's mask function.
 */
public final class ConsistencyCheck {
    private static final int CONTEXT = 16;

    private ConsistencyCheck() {
    }

    /** True if the block carries an image to check redo against, and Cairn has redo for its rmgr. */
    public static boolean checkable(DecodedRecord rec, BlockReference block) {
        return block.hasImage() && !block.applyImage() && BlockRedo.forRmgr(rec.rmgr()) != null;
    }

    /**
     * Compares the redone page with PostgreSQL's image of the block.
     *
     * @return the first difference after masking, or empty when they match (or the redone page is already
     *         past the record, as PostgreSQL skips such pages)
     */
    public static Optional<Mismatch> compare(DecodedRecord rec, BlockReference block, byte[] redone) {
        RmgrRedo redo = BlockRedo.forRmgr(rec.rmgr());
        Page replay = Page.wrap(redone.clone());
        if (replay.lsn().isAfter(rec.pageLsn())) {
            return Optional.empty();
        }
        Page primary = Page.wrap(FullPageImage.restore(rec.lsn(), block));
        redo.mask(replay, block.blockNumber());
        redo.mask(primary, block.blockNumber());
        byte[] a = primary.bytes();
        byte[] b = replay.bytes();
        int at = java.util.Arrays.mismatch(a, b);
        if (at < 0) {
            return Optional.empty();
        }
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(Page.SIZE, at + CONTEXT);
        HexFormat hex = HexFormat.of();
        return Optional.of(new Mismatch(rec.lsn(), BlockRedo.recordType(rec), RedoException.blockName(block), at,
                hex.formatHex(a, from, to), hex.formatHex(b, from, to), from));
    }

    /**
     * A redone page that differs from PostgreSQL's after masking.
     *
     * @param offset       the first differing byte
     * @param postgres     PostgreSQL's masked bytes around it
     * @param redone       the redone masked bytes around it
     * @param contextStart where both excerpts start
     */
    public record Mismatch(dev.cairn.common.Lsn lsn, String recordType, String block, int offset, String postgres,
                           String redone, int contextStart) {
        @Override
        public String toString() {
            return recordType + " at " + lsn + " on " + block + ": first difference at byte " + offset
                    + " (from byte " + contextStart + ": PostgreSQL " + postgres + ", redo " + redone + ")";
        }
    }
}
