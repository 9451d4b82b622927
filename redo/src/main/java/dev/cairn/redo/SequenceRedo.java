package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * seq_redo (sequence.c): XLOG_SEQ_LOG rewrites the sequence's only page from the tuple in the main data,
 * after the RelFileNode it names.
 */
final class SequenceRedo implements RmgrRedo {
    static final int SEQ_LOG = 0x00;
    static final int SEQ_MAGIC = 0x1717;
    /** sizeof(xl_seq_rec): a RelFileNode. */
    static final int XL_SEQ_REC = 12;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        if (rec.rmgrInfo() != SEQ_LOG) {
            throw new UnsupportedRedoException(rec, block, "unknown sequence op code 0x"
                    + Integer.toHexString(rec.rmgrInfo()));
        }
        ByteBuffer main = rec.mainData();
        int itemLen = main.remaining() - XL_SEQ_REC;
        if (itemLen <= 0) {
            throw new PageCorruptException("sequence record of " + main.remaining() + " bytes carries no tuple");
        }
        byte[] item = new byte[itemLen];
        main.get(XL_SEQ_REC, item);
        page.init(4); // sizeof(sequence_magic)
        page.put32(page.specialOffset(), SEQ_MAGIC);
        page.addItem(item, itemLen, 1, false, false);
    }

    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.unusedSpace(page);
    }
}
