package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * generic_redo (generic_xlog.c): each block's data is a list of (offset, length, bytes) fragments to copy over
 * the page; the hole between pd_lower and pd_upper is then zeroed, as GenericXLogFinish left it.
 */
final class GenericRedo implements RmgrRedo {
    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer delta = block.data();
        int pos = 0;
        while (pos < delta.remaining()) {
            if (pos + 4 > delta.remaining()) {
                throw new PageCorruptException("generic delta fragment header at " + pos + " is cut off");
            }
            int offset = delta.getShort(pos) & 0xFFFF;
            int length = delta.getShort(pos + 2) & 0xFFFF;
            pos += 4;
            if (pos + length > delta.remaining() || offset + length > Page.SIZE) {
                throw new PageCorruptException("generic delta fragment of " + length + " bytes at page offset "
                        + offset + " does not fit");
            }
            delta.get(pos, page.bytes(), offset, length);
            pos += length;
        }
        int lower = page.lower();
        int upper = page.upper();
        if (lower > upper || upper > Page.SIZE) {
            throw new PageCorruptException("corrupted page pointers after generic delta: lower = " + lower
                    + ", upper = " + upper);
        }
        page.fill(lower, upper - lower, 0);
    }

    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.unusedSpace(page);
    }
}
