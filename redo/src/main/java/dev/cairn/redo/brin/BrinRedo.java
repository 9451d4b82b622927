package dev.cairn.redo.brin;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.PageMasks;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;

/**
 * The BRIN resource manager's redo (brin_xlog.c), one registered block at a time: index creation, summary tuple
 * insertion and update (on the regular page, the revmap entry pointing at it, and the old page of a cross-page
 * update), revmap extension and desummarization. BRIN logs no free space map changes.
 */
public final class BrinRedo implements RmgrRedo {
    static final int CREATE_INDEX = 0x00;
    static final int INSERT = 0x10;
    static final int UPDATE = 0x20;
    static final int SAMEPAGE_UPDATE = 0x30;
    static final int REVMAP_EXTEND = 0x40;
    static final int DESUMMARIZE = 0x50;
    static final int OPMASK = 0x70;
    /** XLOG_BRIN_INIT_PAGE: the tuple is the first on a page the record initialises. */
    static final int INIT_PAGE = 0x80;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        ByteBuffer main = rec.mainData();
        switch (info & OPMASK) {
            case CREATE_INDEX -> {
                RecordBlocks.require(rec, block, 0);
                RecordData.atLeast(main, 6, "xl_brin_createidx");
                BrinPage.initMeta(page, RecordData.u32(main, 0), RecordData.u16(main, 4));
            }
            case INSERT -> insertOrUpdate(rec, block, page, RecordData.atLeast(main, 10, "xl_brin_insert"), 0);
            case UPDATE -> {
                RecordData.atLeast(main, 14, "xl_brin_update");
                if (block.blockId() == 2) {
                    page.indexTupleDeleteNoCompact(RecordData.u16(main, 0));
                } else {
                    insertOrUpdate(rec, block, page, main, 4);
                }
            }
            case SAMEPAGE_UPDATE -> {
                RecordBlocks.require(rec, block, 0);
                int offnum = RecordData.u16(RecordData.atLeast(main, 2, "xl_brin_samepage_update"), 0);
                byte[] tuple = tuple(block);
                page.indexTupleOverwrite(offnum, tuple, tuple.length);
            }
            case REVMAP_EXTEND -> {
                long target = RecordData.u32(RecordData.atLeast(main, 4, "xl_brin_revmap_extend"), 0);
                switch (block.blockId()) {
                    case 0 -> BrinPage.setLastRevmapPage(page, target);
                    case 1 -> BrinPage.init(page, BrinPage.TYPE_REVMAP);
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case DESUMMARIZE -> {
                RecordData.atLeast(main, 10, "xl_brin_desummarize");
                switch (block.blockId()) {
                    case 0 -> BrinPage.setRevmapEntry(page, RecordData.u32(main, 0), RecordData.u32(main, 4), 0, 0);
                    case 1 -> page.indexTupleDeleteNoCompact(RecordData.u16(main, 8));
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            default -> throw new UnsupportedRedoException(rec, block, "unknown BRIN op code 0x"
                    + Integer.toHexString(info));
        }
    }

    /**
     * brin_xlog_insert_update from the xl_brin_insert at {@code at}: block 0 gets the tuple (on a page the record
     * initialises when it carries INIT_PAGE), block 1 is the revmap page whose entry now points at it.
     */
    private static void insertOrUpdate(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main, int at) {
        long heapBlock = RecordData.u32(main, at);
        long pagesPerRange = RecordData.u32(main, at + 4);
        int offnum = RecordData.u16(main, at + 8);
        switch (block.blockId()) {
            case 0 -> {
                if ((rec.rmgrInfo() & INIT_PAGE) != 0) {
                    BrinPage.init(page, BrinPage.TYPE_REGULAR);
                }
                byte[] tuple = tuple(block);
                page.addItem(tuple, tuple.length, offnum, true, false);
            }
            case 1 -> {
                BlockReference regular = rec.block(0);
                if (regular == null) {
                    throw new PageCorruptException("BRIN insert registers no regular page (block id 0)");
                }
                BrinPage.setRevmapEntry(page, pagesPerRange, heapBlock, regular.blockNumber(), offnum);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    private static byte[] tuple(BlockReference block) {
        ByteBuffer data = block.data();
        if (!data.hasRemaining()) {
            throw new PageCorruptException("BRIN record carries no tuple for block id " + block.blockId());
        }
        byte[] tuple = new byte[data.remaining()];
        data.get(data.position(), tuple);
        return tuple;
    }

    /** brin_mask. */
    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        int type = BrinPage.type(page);
        if (type == BrinPage.TYPE_REGULAR || (type == BrinPage.TYPE_META && page.lower() > Page.HEADER_SIZE)) {
            PageMasks.unusedSpace(page);
        }
        BrinPage.clearFlags(page, BrinPage.EVACUATE);
    }
}
