package dev.cairn.redo.hash;

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

/**
 * The hash resource manager's redo (hash_xlog.c), one registered block at a time: metapage and bitmap
 * initialisation, inserts, overflow pages, bucket splits, squeezing tuples into earlier pages of a bucket chain,
 * deletion and vacuum. A split's page images are forced (SPLIT_PAGE), so they are only ever restored. The
 * primary bucket page that moves and deletions register only to hold its cleanup lock is left as it is.
 */
public final class HashRedo implements RmgrRedo {
    static final int INIT_META_PAGE = 0x00;
    static final int INIT_BITMAP_PAGE = 0x10;
    static final int INSERT = 0x20;
    static final int ADD_OVFL_PAGE = 0x30;
    static final int SPLIT_ALLOCATE_PAGE = 0x40;
    static final int SPLIT_PAGE = 0x50;
    static final int SPLIT_COMPLETE = 0x60;
    static final int MOVE_PAGE_CONTENTS = 0x70;
    static final int SQUEEZE_PAGE = 0x80;
    static final int DELETE = 0x90;
    static final int SPLIT_CLEANUP = 0xA0;
    static final int UPDATE_META_PAGE = 0xB0;
    static final int VACUUM_ONE_PAGE = 0xC0;
    private static final int SPLIT_META_UPDATE_MASKS = 1;
    private static final int SPLIT_META_UPDATE_SPLITPOINT = 1 << 1;
    /** SizeOfHashVacuumOnePage: latestRemovedXid, ntuples. */
    private static final int XL_VACUUM_ONE_PAGE_SIZE = 8;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        ByteBuffer main = rec.mainData();
        int id = block.blockId();
        switch (info) {
            case INIT_META_PAGE -> {
                RecordBlocks.require(rec, block, 0);
                RecordData.atLeast(main, 14, "xl_hash_init_meta_page");
                HashMeta.init(page, main.getDouble(0), RecordData.u32(main, 8), RecordData.u16(main, 12));
            }
            case INIT_BITMAP_PAGE -> {
                int bmsize = RecordData.u16(RecordData.atLeast(main, 2, "xl_hash_init_bitmap_page"), 0);
                switch (id) {
                    case 0 -> HashPage.initBitmap(page, bmsize);
                    case 1 -> {
                        HashMeta meta = HashMeta.of(page);
                        meta.addBitmap(meta.maxBucket() + 2);
                    }
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case INSERT -> {
                switch (id) {
                    case 0 -> {
                        int offnum = RecordData.u16(RecordData.atLeast(main, 2, "xl_hash_insert"), 0);
                        byte[] tuple = blockData(block);
                        page.addItem(tuple, tuple.length, offnum, false, false);
                    }
                    case 1 -> {
                        HashMeta meta = HashMeta.of(page);
                        meta.setNtuples(meta.ntuples() + 1);
                    }
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case ADD_OVFL_PAGE -> addOverflowPage(rec, block, page, RecordData.atLeast(main, 3,
                    "xl_hash_add_ovfl_page"));
            case SPLIT_ALLOCATE_PAGE -> splitAllocate(rec, block, page, RecordData.atLeast(main, 9,
                    "xl_hash_split_allocate_page"));
            case SPLIT_PAGE -> throw new PageCorruptException("hash SPLIT_PAGE carries no image of block id " + id
                    + ", which PostgreSQL always forces");
            case SPLIT_COMPLETE -> {
                RecordData.atLeast(main, 4, "xl_hash_split_complete");
                if (id > 1) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                afterImage(rec, block, page);
            }
            case MOVE_PAGE_CONTENTS -> {
                RecordData.atLeast(main, 3, "xl_hash_move_page_contents");
                switch (id) {
                    case 1 -> addTuples(block, page, RecordData.u16(main, 0));
                    case 2 -> deleteListed(block, page);
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            case SQUEEZE_PAGE -> squeeze(rec, block, page, RecordData.atLeast(main, 12, "xl_hash_squeeze_page"));
            case DELETE -> {
                RecordData.atLeast(main, 2, "xl_hash_delete");
                RecordBlocks.require(rec, block, 1);
                deleteListed(block, page);
                if (main.get(0) != 0) {
                    HashPage.clearFlags(page, HashPage.HAS_DEAD_TUPLES);
                }
            }
            case SPLIT_CLEANUP -> {
                RecordBlocks.require(rec, block, 0);
                HashPage.clearFlags(page, HashPage.NEEDS_SPLIT_CLEANUP);
            }
            case UPDATE_META_PAGE -> {
                RecordBlocks.require(rec, block, 0);
                HashMeta.of(page).setNtuples(RecordData.atLeast(main, 8, "xl_hash_update_meta_page").getDouble(0));
            }
            case VACUUM_ONE_PAGE -> {
                RecordData.atLeast(main, XL_VACUUM_ONE_PAGE_SIZE, "xl_hash_vacuum_one_page");
                int ntuples = main.getInt(4);
                switch (id) {
                    case 0 -> {
                        if (main.remaining() > XL_VACUUM_ONE_PAGE_SIZE) {
                            page.indexMultiDelete(RecordData.u16s(main, XL_VACUUM_ONE_PAGE_SIZE, ntuples,
                                    "xl_hash_vacuum_one_page offsets"));
                        }
                        HashPage.clearFlags(page, HashPage.HAS_DEAD_TUPLES);
                    }
                    case 1 -> {
                        HashMeta meta = HashMeta.of(page);
                        meta.setNtuples(meta.ntuples() - ntuples);
                    }
                    default -> throw RecordBlocks.unexpected(rec, block);
                }
            }
            default -> throw new UnsupportedRedoException(rec, block, "unknown hash op code 0x"
                    + Integer.toHexString(info));
        }
    }

    /**
     * Moves and deletions register the bucket's primary page (block 0) only to take its cleanup lock, unless it
     * is the page written (then block 1 is that page and block 0 is absent).
     */
    @Override
    public boolean changes(DecodedRecord rec, BlockReference block) {
        int info = rec.rmgrInfo();
        return block.blockId() != 0 || (info != MOVE_PAGE_CONTENTS && info != SQUEEZE_PAGE && info != DELETE);
    }

    /**
     * Split redo sets the bucket flags (and the old bucket's link to the new) even on a page restored from an
     * image, as hash_xlog_split_allocate_page and hash_xlog_split_complete do.
     */
    @Override
    public void afterImage(DecodedRecord rec, BlockReference block, Page page) {
        ByteBuffer main = rec.mainData();
        switch (rec.rmgrInfo()) {
            case SPLIT_ALLOCATE_PAGE -> {
                if (block.blockId() == 0) {
                    RecordData.atLeast(main, 9, "xl_hash_split_allocate_page");
                    HashPage.setFlag(page, RecordData.u16(main, 4));
                    HashPage.setPrev(page, RecordData.u32(main, 0));
                }
            }
            case SPLIT_COMPLETE -> {
                RecordData.atLeast(main, 4, "xl_hash_split_complete");
                if (block.blockId() <= 1) {
                    HashPage.setFlag(page, RecordData.u16(main, 2 * block.blockId()));
                }
            }
            default -> {
            }
        }
    }

    /** hash_xlog_add_ovfl_page. */
    private static void addOverflowPage(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        switch (block.blockId()) {
            case 0 -> {
                long bucket = RecordData.u32(RecordData.atLeast(block.data(), 4, "overflow page bucket"), 0);
                HashPage.init(page, ItemPointer.INVALID_BLOCK, bucket, HashPage.OVERFLOW);
                HashPage.setPrev(page, RecordBlocks.registered(rec, 1).blockNumber());
            }
            case 1 -> HashPage.setNext(page, RecordBlocks.registered(rec, 0).blockNumber());
            case 2 -> HashPage.setBitmapBit(page, RecordData.u32(RecordData.atLeast(block.data(), 4,
                    "bitmap bit"), 0), true);
            case 3 -> HashPage.initBitmap(page, RecordData.u16(main, 0));
            case 4 -> {
                HashMeta meta = HashMeta.of(page);
                meta.setFirstFree(RecordData.u32(RecordData.atLeast(block.data(), 4, "first free overflow bit"), 0));
                if (main.get(2) == 0) { // no free bit was found in an existing bitmap page
                    meta.incrementSpares(meta.ovflPoint());
                    BlockReference newBitmap = rec.block(3);
                    if (newBitmap != null) {
                        meta.addBitmap(newBitmap.blockNumber());
                        meta.incrementSpares(meta.ovflPoint());
                    }
                }
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** hash_xlog_split_allocate_page. */
    private void splitAllocate(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        long newBucket = RecordData.u32(main, 0);
        switch (block.blockId()) {
            case 0 -> afterImage(rec, block, page);
            case 1 -> HashPage.init(page, newBucket, newBucket, RecordData.u16(main, 6));
            case 2 -> {
                HashMeta meta = HashMeta.of(page);
                meta.setMaxBucket(newBucket);
                int flags = main.get(8);
                ByteBuffer data = block.data();
                int pos = 0;
                if ((flags & SPLIT_META_UPDATE_MASKS) != 0) {
                    RecordData.atLeast(data, pos + 8, "split masks");
                    meta.setMasks(RecordData.u32(data, pos), RecordData.u32(data, pos + 4));
                    pos += 8;
                }
                if ((flags & SPLIT_META_UPDATE_SPLITPOINT) != 0) {
                    RecordData.atLeast(data, pos + 8, "split point");
                    long splitPoint = RecordData.u32(data, pos);
                    meta.setSpares(splitPoint, RecordData.u32(data, pos + 4));
                    meta.setOvflPoint(splitPoint);
                }
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** hash_xlog_squeeze_page. */
    private static void squeeze(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        long prevBlock = RecordData.u32(main, 0);
        long nextBlock = RecordData.u32(main, 4);
        int ntups = RecordData.u16(main, 8);
        boolean prevIsWritePage = main.get(11) != 0;
        switch (block.blockId()) {
            case 1 -> {
                addTuples(block, page, ntups);
                if (prevIsWritePage) {
                    HashPage.setNext(page, nextBlock);
                }
            }
            case 2 -> HashPage.init(page, ItemPointer.INVALID_BLOCK, HashPage.INVALID_BUCKET, HashPage.UNUSED);
            case 3 -> HashPage.setNext(page, nextBlock);
            case 4 -> HashPage.setPrev(page, prevBlock);
            case 5 -> HashPage.setBitmapBit(page, RecordData.u32(RecordData.atLeast(block.data(), 4, "bitmap bit"),
                    0), false);
            case 6 -> HashMeta.of(page).setFirstFree(RecordData.u32(RecordData.atLeast(block.data(), 4,
                    "first free overflow bit"), 0));
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * The tuples a move or squeeze adds to the page written: {@code ntups} target offsets, then the tuples, each
     * MAXALIGNed and added with its aligned length, as the primary did.
     */
    private static void addTuples(BlockReference block, Page page, int ntups) {
        if (ntups == 0) {
            return;
        }
        ByteBuffer data = block.data();
        int[] offsets = RecordData.u16s(data, 0, ntups, "hash moved tuple offsets");
        int pos = 2 * ntups;
        int n = 0;
        while (pos < data.remaining()) {
            int size = Page.maxAlign(IndexTupleData.sizeInData(data, pos, "hash moved tuple"));
            if (size < IndexTupleData.HEADER_SIZE || pos + size > data.remaining() || n >= ntups) {
                throw new PageCorruptException("hash moved tuple " + n + " of " + size + " bytes at data offset "
                        + pos + " does not fit the " + data.remaining() + " bytes logged for " + ntups + " tuples");
            }
            byte[] t = new byte[size];
            data.get(pos, t);
            page.addItem(t, size, offsets[n++], false, false);
            pos += size;
        }
        if (n != ntups) {
            throw new PageCorruptException("hash move logs " + n + " tuples, its header " + ntups);
        }
    }

    /** The offsets a block's data lists are deleted (PageIndexMultiDelete). */
    private static void deleteListed(BlockReference block, Page page) {
        ByteBuffer data = block.data();
        if (data.remaining() % 2 != 0) {
            throw new PageCorruptException("hash deletion lists " + data.remaining() + " bytes of offsets");
        }
        if (data.remaining() > 0) {
            page.indexMultiDelete(RecordData.u16s(data, 0, data.remaining() / 2, "hash deleted offsets"));
        }
    }

    private static byte[] blockData(BlockReference block) {
        ByteBuffer data = block.data();
        byte[] bytes = new byte[data.remaining()];
        data.get(0, bytes);
        return bytes;
    }

    /** hash_mask. */
    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        PageMasks.unusedSpace(page);
        int type = HashPage.flag(page) & HashPage.TYPE_MASK;
        if (type == HashPage.UNUSED) {
            PageMasks.content(page);
        } else if (type == HashPage.BUCKET || type == HashPage.OVERFLOW) {
            PageMasks.lpFlags(page);
        }
        HashPage.clearFlags(page, HashPage.HAS_DEAD_TUPLES);
    }
}
