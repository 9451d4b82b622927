package dev.cairn.redo.btree;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;

/**
 * btree_xlog_vacuum and btree_xlog_delete: VACUUM, and simple or bottom-up index deletion, remove leaf items
 * and TIDs from posting lists. The block data is the deleted offsets, the updated offsets, then for each
 * updated posting list the positions of the TIDs it loses (xl_btree_update).
 */
final class DeleteRedo {
    /** SizeOfBtreeVacuum: ndeleted, nupdated. */
    static final int XL_VACUUM_SIZE = 4;
    /** SizeOfBtreeDelete: latestRemovedXid, ndeleted, nupdated. */
    static final int XL_DELETE_SIZE = 8;

    private DeleteRedo() {
    }

    static void vacuum(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = RecordData.atLeast(rec.mainData(), XL_VACUUM_SIZE, "xl_btree_vacuum");
        apply(rec, block, page, RecordData.u16(main, 0), RecordData.u16(main, 2));
    }

    static void delete(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = RecordData.atLeast(rec.mainData(), XL_DELETE_SIZE, "xl_btree_delete");
        apply(rec, block, page, RecordData.u16(main, 4), RecordData.u16(main, 6));
    }

    private static void apply(DecodedRecord rec, BlockReference block, Page page, int ndeleted, int nupdated) {
        if (block.blockId() != 0) {
            throw RecordBlocks.unexpected(rec, block);
        }
        ByteBuffer data = block.data();
        int[] deleted = RecordData.u16s(data, 0, ndeleted, "deleted offsets");
        int[] updated = RecordData.u16s(data, 2 * ndeleted, nupdated, "updated offsets");
        int pos = 2 * (ndeleted + nupdated);
        for (int off : updated) {
            int ndeletedTids = RecordData.u16s(data, pos, 1, "xl_btree_update of offset " + off)[0];
            int[] deleteTids = RecordData.u16s(data, pos + 2, ndeletedTids, "posting list TIDs to delete");
            pos += 2 + 2 * ndeletedTids;
            IndexTuple tuple = Postings.update(IndexTuple.read(page, off), deleteTids);
            page.indexTupleOverwrite(off, tuple.bytes(), Page.maxAlign(tuple.size()));
        }
        if (pos != data.remaining()) {
            throw new PageCorruptException("deletion data is " + data.remaining() + " bytes, but " + ndeleted
                    + " deleted and " + nupdated + " updated items take " + pos);
        }
        if (ndeleted > 0) {
            page.indexMultiDelete(deleted);
        }
        BtreePage.of(page).clearFlags(BtreePage.HAS_GARBAGE);
    }
}
