package dev.cairn.redo.gin;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.PageMasks;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The GIN resource manager's redo (ginxlog.c), one registered block at a time: posting tree creation, inserts
 * into entry and posting trees (with the child whose split the insert completes), posting tree leaf vacuum and
 * page deletion, and the fast-update pending list (list pages, metapage updates and list deletion). Splits and
 * entry page vacuum always log forced images, so they are only ever restored.
 */
public final class GinRedo implements RmgrRedo {
    static final int CREATE_PTREE = 0x10;
    static final int INSERT = 0x20;
    static final int SPLIT = 0x30;
    static final int VACUUM_PAGE = 0x40;
    static final int DELETE_PAGE = 0x50;
    static final int UPDATE_META_PAGE = 0x60;
    static final int INSERT_LISTPAGE = 0x70;
    static final int DELETE_LISTPAGE = 0x80;
    static final int VACUUM_DATA_LEAF_PAGE = 0x90;
    static final int INSERT_ISDATA = 0x01;
    static final int INSERT_ISLEAF = 0x02;
    /** offsetof(ginxlogUpdateMeta, metadata): after a RelFileNode, at the metadata's 8-byte alignment. */
    private static final int UPDATE_META_METADATA = 16;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        ByteBuffer main = rec.mainData();
        int id = block.blockId();
        switch (info) {
            case CREATE_PTREE -> {
                RecordBlocks.require(rec, block, 0);
                int size = (int) RecordData.u32(RecordData.atLeast(main, 4, "ginxlogCreatePostingTree"), 0);
                RecordData.atLeast(main, 4 + size, "ginxlogCreatePostingTree with its posting list");
                GinPage.init(page, GinPage.DATA | GinPage.LEAF | GinPage.COMPRESSED);
                byte[] list = new byte[size];
                main.get(4, list);
                GinPage.setDataSize(page, size);
                page.copyIn(GinPage.DATA_START, list, 0, size);
            }
            case INSERT -> insert(rec, block, page, RecordData.atLeast(main, 2, "ginxlogInsert"));
            case SPLIT, VACUUM_PAGE -> throw new PageCorruptException("GIN op 0x" + Integer.toHexString(info)
                    + " carries no image of block id " + id + ", which PostgreSQL always forces");
            case VACUUM_DATA_LEAF_PAGE -> {
                RecordBlocks.require(rec, block, 0);
                LeafRecompress.apply(page, block.data(), 0);
            }
            case DELETE_PAGE -> {
                RecordData.atLeast(main, 12, "ginxlogDeletePage");
                switch (id) {
                    case 0 -> {
                        GinPage.requireFlags(page, GinPage.DATA, "posting tree page to delete");
                        GinPage.setFlags(page, GinPage.DELETED, true);
                        page.setPruneXid(RecordData.u32(main, 8)); // GinPageSetDeleteXid
                    }
                    case 1 -> GinPage.deletePostingItem(page, RecordData.u16(main, 0));
                    case 2 -> GinPage.setRightlink(page, RecordData.u32(main, 4));
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case UPDATE_META_PAGE -> updateMeta(rec, block, page, RecordData.atLeast(main, 84, "ginxlogUpdateMeta"));
            case INSERT_LISTPAGE -> {
                RecordBlocks.require(rec, block, 0);
                RecordData.atLeast(main, 8, "ginxlogInsertListPage");
                long rightlink = RecordData.u32(main, 0);
                GinPage.init(page, GinPage.LIST);
                GinPage.setRightlink(page, rightlink);
                if (rightlink == ItemPointer.INVALID_BLOCK) {
                    GinPage.setFlags(page, GinPage.LIST_FULLROW, true);
                    GinPage.setMaxoff(page, 1);
                } else {
                    GinPage.setMaxoff(page, 0);
                }
                appendTuples(block, page, main.getInt(4));
            }
            case DELETE_LISTPAGE -> {
                RecordData.atLeast(main, GinPage.META_SIZE + 4, "ginxlogDeleteListPages");
                if (id == 0) {
                    GinPage.initMeta(page, metadata(main, 0));
                } else if (id <= main.getInt(GinPage.META_SIZE)) {
                    GinPage.init(page, GinPage.DELETED);
                } else {
                    throw RecordBlocks.unexpected(rec, block);
                }
            }
            default -> throw new UnsupportedRedoException(rec, block, "unknown GIN op code 0x"
                    + Integer.toHexString(info));
        }
    }

    /**
     * ginRedoInsert. Block 0 gets the entry tuple or the posting tree change; on an internal page the insert
     * completes the split of the child in block 1.
     */
    private static void insert(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        int flags = RecordData.u16(main, 0);
        boolean leaf = (flags & INSERT_ISLEAF) != 0;
        switch (block.blockId()) {
            case 0 -> {
                long rightChild = ItemPointer.INVALID_BLOCK;
                if (!leaf) {
                    RecordData.atLeast(main, 10, "ginxlogInsert with its children");
                    rightChild = ItemPointer.block(main, 6);
                }
                ByteBuffer data = block.data();
                if ((flags & INSERT_ISDATA) != 0) {
                    if (leaf) {
                        LeafRecompress.apply(page, data, 0);
                    } else {
                        RecordData.atLeast(data, 2 + GinPage.POSTING_ITEM_SIZE, "ginxlogInsertDataInternal");
                        int offset = RecordData.u16(data, 0);
                        byte[] item = new byte[GinPage.POSTING_ITEM_SIZE];
                        data.get(2, item);
                        GinPage.setPostingItemChild(page, offset, rightChild);
                        GinPage.addPostingItem(page, item, offset);
                    }
                } else {
                    insertEntry(page, data, leaf, rightChild);
                }
            }
            case 1 -> {
                if (leaf) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                GinPage.setFlags(page, GinPage.INCOMPLETE_SPLIT, false);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** ginRedoInsertEntry: an entry tuple added at its offset, replacing the old one when isDelete. */
    private static void insertEntry(Page page, ByteBuffer data, boolean leaf, long rightChild) {
        RecordData.atLeast(data, 4 + IndexTupleData.HEADER_SIZE, "ginxlogInsertEntry");
        int offset = RecordData.u16(data, 0);
        boolean isDelete = data.get(2) != 0;
        if (!leaf) {
            if (offset < 1 || offset > page.maxOffset()) {
                throw new PageCorruptException("GIN downlink offset " + offset + " outside 1.." + page.maxOffset());
            }
            ItemPointer.setBlock(page, page.itemStart(offset), rightChild); // GinSetDownlink: the t_tid block
        }
        if (isDelete) {
            page.indexTupleDelete(offset);
        }
        List<byte[]> tuple = IndexTupleData.listInData(data, 4, 4 + IndexTupleData.sizeInData(data, 4,
                "GIN entry tuple"), "GIN entry tuple");
        page.addItem(tuple.get(0), tuple.get(0).length, offset, false, false);
    }

    /** ginRedoUpdateMetapage. */
    private static void updateMeta(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        long prevTail = RecordData.u32(main, UPDATE_META_METADATA + GinPage.META_SIZE);
        long newRightlink = RecordData.u32(main, UPDATE_META_METADATA + GinPage.META_SIZE + 4);
        int ntuples = main.getInt(UPDATE_META_METADATA + GinPage.META_SIZE + 8);
        switch (block.blockId()) {
            case 0 -> GinPage.initMeta(page, metadata(main, UPDATE_META_METADATA));
            case 1 -> {
                if (ntuples > 0) {
                    appendTuples(block, page, ntuples);
                    GinPage.setMaxoff(page, GinPage.maxoff(page) + 1);
                } else if (prevTail != ItemPointer.INVALID_BLOCK) {
                    GinPage.setRightlink(page, newRightlink);
                } else {
                    throw RecordBlocks.unexpected(rec, block);
                }
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** The block's {@code ntuples} index tuples added after the page's last item. */
    private static void appendTuples(BlockReference block, Page page, int ntuples) {
        ByteBuffer data = block.data();
        List<byte[]> tuples = IndexTupleData.listInData(data, 0, data.remaining(), "GIN pending list tuples");
        if (tuples.size() != ntuples) {
            throw new PageCorruptException("GIN pending list record logs " + tuples.size() + " tuples, its header "
                    + ntuples);
        }
        int off = page.isEmpty() ? 1 : page.maxOffset() + 1;
        for (byte[] t : tuples) {
            page.addItem(t, t.length, off++, false, false);
        }
    }

    private static byte[] metadata(ByteBuffer main, int at) {
        byte[] m = new byte[GinPage.META_SIZE];
        main.get(at, m);
        return m;
    }

    /** gin_mask. */
    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        if ((GinPage.flags(page) & GinPage.DELETED) != 0) {
            PageMasks.content(page);
        } else if (page.lower() > Page.HEADER_SIZE) {
            PageMasks.unusedSpace(page);
        }
    }
}
