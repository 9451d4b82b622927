package dev.cairn.redo.spgist;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.PageMasks;
import dev.cairn.redo.RecordBlocks;
import dev.cairn.redo.RmgrRedo;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The SP-GiST resource manager's redo (spgxlog.c), one registered block at a time: leaf insertion and moves,
 * node addition, tuple splits, picksplit, and the three kinds of vacuum. The tuples a record carries follow its
 * fixed part unaligned, and are copied out of the main data one by one.
 */
public final class SpgRedo implements RmgrRedo {
    static final int ADD_LEAF = 0x10;
    static final int MOVE_LEAFS = 0x20;
    static final int ADD_NODE = 0x30;
    static final int SPLIT_TUPLE = 0x40;
    static final int PICKSPLIT = 0x50;
    static final int VACUUM_LEAF = 0x60;
    static final int VACUUM_ROOT = 0x70;
    static final int VACUUM_REDIRECT = 0x80;

    @Override
    public void redo(DecodedRecord rec, BlockReference block, Page page) {
        int info = rec.rmgrInfo();
        ByteBuffer main = rec.mainData();
        switch (info) {
            case ADD_LEAF -> addLeaf(rec, block, page, RecordData.atLeast(main, 10, "spgxlogAddLeaf"));
            case MOVE_LEAFS -> moveLeafs(rec, block, page, RecordData.atLeast(main, 20, "spgxlogMoveLeafs"));
            case ADD_NODE -> addNode(rec, block, page, RecordData.atLeast(main, 20, "spgxlogAddNode"));
            case SPLIT_TUPLE -> splitTuple(rec, block, page, RecordData.atLeast(main, 6, "spgxlogSplitTuple"));
            case PICKSPLIT -> pickSplit(rec, block, page, RecordData.atLeast(main, 28, "spgxlogPickSplit"));
            case VACUUM_LEAF -> {
                RecordBlocks.require(rec, block, 0);
                vacuumLeaf(page, RecordData.atLeast(main, 16, "spgxlogVacuumLeaf"));
            }
            case VACUUM_ROOT -> {
                RecordBlocks.require(rec, block, 0);
                RecordData.atLeast(main, 12, "spgxlogVacuumRoot");
                page.indexMultiDelete(RecordData.u16s(main, 12, RecordData.u16(main, 0), "spgxlogVacuumRoot offsets"));
            }
            case VACUUM_REDIRECT -> {
                RecordBlocks.require(rec, block, 0);
                vacuumRedirect(page, RecordData.atLeast(main, 8, "spgxlogVacuumRedirect"));
            }
            default -> throw new UnsupportedRedoException(rec, block, "unknown SP-GiST op code 0x"
                    + Integer.toHexString(info));
        }
    }

    /** spgRedoAddLeaf: block 0 is the leaf page, block 1 the parent whose downlink now points at the tuple. */
    private static void addLeaf(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        boolean newPage = main.get(0) != 0;
        boolean nulls = main.get(1) != 0;
        int offnumLeaf = RecordData.u16(main, 2);
        int offnumHeadLeaf = RecordData.u16(main, 4);
        int offnumParent = RecordData.u16(main, 6);
        int nodeI = RecordData.u16(main, 8);
        switch (block.blockId()) {
            case 0 -> {
                byte[] leaf = SpgPage.leafTuple(main, 10, "leaf tuple");
                if (newPage) {
                    SpgPage.init(page, SpgPage.LEAF | (nulls ? SpgPage.NULLS : 0));
                }
                if (offnumLeaf != offnumHeadLeaf) {
                    SpgPage.addOrReplace(page, leaf, offnumLeaf);
                    if (offnumHeadLeaf != 0) {
                        SpgPage.setNextOffset(page, offnumHeadLeaf, offnumLeaf);
                    }
                } else {
                    SpgPage.replace(page, leaf, offnumLeaf);
                }
            }
            case 1 -> {
                if (offnumParent == 0) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                SpgPage.updateNodeLink(page, offnumParent, nodeI, RecordBlocks.registered(rec, 0).blockNumber(), offnumLeaf);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * spgRedoMoveLeafs: block 1 receives the tuples, block 0 keeps a redirect (a placeholder during a build)
     * where they were, block 2 is the parent whose downlink follows them.
     */
    private static void moveLeafs(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        int nMoves = RecordData.u16(main, 0);
        boolean newPage = main.get(2) != 0;
        boolean replaceDead = main.get(3) != 0;
        boolean nulls = main.get(4) != 0;
        int offnumParent = RecordData.u16(main, 6);
        int nodeI = RecordData.u16(main, 8);
        long myXid = RecordData.u32(main, 12);
        boolean isBuild = main.get(16) != 0;
        int nInsert = replaceDead ? 1 : nMoves + 1;
        int[] toDelete = RecordData.u16s(main, 20, nMoves, "spgxlogMoveLeafs deleted offsets");
        int[] toInsert = RecordData.u16s(main, 20 + 2 * nMoves, nInsert, "spgxlogMoveLeafs inserted offsets");
        long dest = RecordBlocks.registered(rec, 1).blockNumber();
        switch (block.blockId()) {
            case 0 -> SpgPage.multiDelete(page, toDelete, isBuild ? SpgPage.PLACEHOLDER : SpgPage.REDIRECT,
                    SpgPage.PLACEHOLDER, dest, toInsert[nInsert - 1], myXid);
            case 1 -> {
                if (newPage) {
                    SpgPage.init(page, SpgPage.LEAF | (nulls ? SpgPage.NULLS : 0));
                }
                List<byte[]> leaves = SpgPage.leafTuples(main, 20 + 2 * nMoves + 2 * nInsert, nInsert,
                        "moved leaf tuple");
                for (int i = 0; i < nInsert; i++) {
                    SpgPage.addOrReplace(page, leaves.get(i), toInsert[i]);
                }
            }
            case 2 -> SpgPage.updateNodeLink(page, offnumParent, nodeI, dest, toInsert[nInsert - 1]);
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * spgRedoAddNode. Without block 1 the enlarged inner tuple replaces the old one in place; otherwise it moves
     * to block 1 and block 0 keeps a redirect to it (a placeholder during a build), and the parent downlink, on
     * whichever page parentBlk names, follows it.
     */
    private static void addNode(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        int offnum = RecordData.u16(main, 0);
        int offnumNew = RecordData.u16(main, 2);
        boolean newPage = main.get(4) != 0;
        int parentBlk = main.get(5);
        int offnumParent = RecordData.u16(main, 6);
        int nodeI = RecordData.u16(main, 8);
        long myXid = RecordData.u32(main, 12);
        boolean isBuild = main.get(16) != 0;
        byte[] inner = SpgPage.innerTuple(main, 20, "inner tuple");
        BlockReference moved = rec.block(1);
        if (moved == null) {
            RecordBlocks.require(rec, block, 0);
            SpgPage.replace(page, inner, offnum);
            return;
        }
        long blknoNew = moved.blockNumber();
        switch (block.blockId()) {
            case 0 -> {
                byte[] dead = isBuild ? SpgPage.deadTuple(SpgPage.PLACEHOLDER, ItemPointer.INVALID_BLOCK, 0, 0)
                        : SpgPage.deadTuple(SpgPage.REDIRECT, blknoNew, offnumNew, myXid);
                SpgPage.replace(page, dead, offnum);
                if (isBuild) {
                    SpgPage.addPlaceholders(page, 1);
                } else {
                    SpgPage.addRedirections(page, 1);
                }
                if (parentBlk == 0) {
                    SpgPage.updateNodeLink(page, offnumParent, nodeI, blknoNew, offnumNew);
                }
            }
            case 1 -> {
                if (newPage) {
                    SpgPage.init(page, 0);
                }
                SpgPage.addOrReplace(page, inner, offnumNew);
                if (parentBlk == 1) {
                    SpgPage.updateNodeLink(page, offnumParent, nodeI, blknoNew, offnumNew);
                }
            }
            case 2 -> {
                if (parentBlk != 2) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                SpgPage.updateNodeLink(page, offnumParent, nodeI, blknoNew, offnumNew);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /** spgRedoSplitTuple: the prefix tuple replaces the old inner tuple; the postfix goes to block 1 or beside. */
    private static void splitTuple(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        int offnumPrefix = RecordData.u16(main, 0);
        int offnumPostfix = RecordData.u16(main, 2);
        boolean newPage = main.get(4) != 0;
        boolean postfixSamePage = main.get(5) != 0;
        byte[] prefix = SpgPage.innerTuple(main, 6, "prefix tuple");
        byte[] postfix = SpgPage.innerTuple(main, 6 + prefix.length, "postfix tuple");
        switch (block.blockId()) {
            case 0 -> {
                SpgPage.replace(page, prefix, offnumPrefix);
                if (postfixSamePage) {
                    SpgPage.addOrReplace(page, postfix, offnumPostfix);
                }
            }
            case 1 -> {
                if (postfixSamePage) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                if (newPage) {
                    SpgPage.init(page, 0);
                }
                SpgPage.addOrReplace(page, postfix, offnumPostfix);
            }
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * spgRedoPickSplit: block 0 is the source leaf page (absent for a root split), block 1 the destination leaf
     * page, block 2 the page of the new inner tuple and block 3 the parent pointing at it.
     */
    private static void pickSplit(DecodedRecord rec, BlockReference block, Page page, ByteBuffer main) {
        boolean rootSplit = main.get(0) != 0;
        int nDelete = RecordData.u16(main, 2);
        int nInsert = RecordData.u16(main, 4);
        boolean initSrc = main.get(6) != 0;
        boolean initDest = main.get(7) != 0;
        int offnumInner = RecordData.u16(main, 8);
        boolean initInner = main.get(10) != 0;
        boolean nulls = main.get(11) != 0;
        boolean innerIsParent = main.get(12) != 0;
        int offnumParent = RecordData.u16(main, 14);
        int nodeI = RecordData.u16(main, 16);
        long myXid = RecordData.u32(main, 20);
        boolean isBuild = main.get(24) != 0;
        int[] toDelete = RecordData.u16s(main, 28, nDelete, "spgxlogPickSplit deleted offsets");
        int[] toInsert = RecordData.u16s(main, 28 + 2 * nDelete, nInsert, "spgxlogPickSplit inserted offsets");
        int select = 28 + 2 * nDelete + 2 * nInsert;
        if (select + nInsert > main.remaining()) {
            throw new PageCorruptException("spgxlogPickSplit page selectors cut off");
        }
        int innerAt = select + nInsert;
        byte[] inner = SpgPage.innerTuple(main, innerAt, "new inner tuple");
        long blknoInner = RecordBlocks.registered(rec, 2).blockNumber();
        int id = block.blockId();
        switch (id) {
            case 0, 1 -> {
                if (id == 0 && rootSplit) {
                    throw RecordBlocks.unexpected(rec, block);
                }
                if (id == 0 ? initSrc : initDest) {
                    SpgPage.init(page, SpgPage.LEAF | (nulls ? SpgPage.NULLS : 0));
                } else if (id == 0) {
                    if (isBuild) {
                        SpgPage.multiDelete(page, toDelete, SpgPage.PLACEHOLDER, SpgPage.PLACEHOLDER,
                                ItemPointer.INVALID_BLOCK, 0, 0);
                    } else {
                        SpgPage.multiDelete(page, toDelete, SpgPage.REDIRECT, SpgPage.PLACEHOLDER, blknoInner,
                                offnumInner, myXid);
                    }
                }
                List<byte[]> leaves = SpgPage.leafTuples(main, innerAt + inner.length, nInsert,
                        "picksplit leaf tuple");
                for (int i = 0; i < nInsert; i++) {
                    if ((main.get(select + i) != 0) == (id == 1)) { // the tuple's page selector: 0 source, 1 dest
                        SpgPage.addOrReplace(page, leaves.get(i), toInsert[i]);
                    }
                }
            }
            case 2 -> {
                if (initInner) {
                    SpgPage.init(page, nulls ? SpgPage.NULLS : 0);
                }
                SpgPage.addOrReplace(page, inner, offnumInner);
                if (innerIsParent) {
                    SpgPage.updateNodeLink(page, offnumParent, nodeI, blknoInner, offnumInner);
                }
            }
            case 3 -> SpgPage.updateNodeLink(page, offnumParent, nodeI, blknoInner, offnumInner);
            default -> throw RecordBlocks.unexpected(rec, block);
        }
    }

    /**
     * spgRedoVacuumLeaf: tuples become dead or placeholders, live tuples move down to fill earlier slots (their
     * line pointers swapped, the old slot then a placeholder), and chains are relinked.
     */
    private static void vacuumLeaf(Page page, ByteBuffer main) {
        int nDead = RecordData.u16(main, 0);
        int nPlaceholder = RecordData.u16(main, 2);
        int nMove = RecordData.u16(main, 4);
        int nChain = RecordData.u16(main, 6);
        int at = 16;
        int[] toDead = RecordData.u16s(main, at, nDead, "vacuum dead offsets");
        at += 2 * nDead;
        int[] toPlaceholder = RecordData.u16s(main, at, nPlaceholder, "vacuum placeholder offsets");
        at += 2 * nPlaceholder;
        int[] moveSrc = RecordData.u16s(main, at, nMove, "vacuum move sources");
        at += 2 * nMove;
        int[] moveDest = RecordData.u16s(main, at, nMove, "vacuum move destinations");
        at += 2 * nMove;
        int[] chainSrc = RecordData.u16s(main, at, nChain, "vacuum chain sources");
        at += 2 * nChain;
        int[] chainDest = RecordData.u16s(main, at, nChain, "vacuum chain destinations");
        SpgPage.multiDelete(page, toDead, SpgPage.DEAD, SpgPage.DEAD, ItemPointer.INVALID_BLOCK, 0, 0);
        SpgPage.multiDelete(page, toPlaceholder, SpgPage.PLACEHOLDER, SpgPage.PLACEHOLDER, ItemPointer.INVALID_BLOCK, 0, 0);
        for (int i = 0; i < nMove; i++) {
            SpgPage.swapItemIds(page, moveSrc[i], moveDest[i]);
        }
        SpgPage.multiDelete(page, moveSrc, SpgPage.PLACEHOLDER, SpgPage.PLACEHOLDER, ItemPointer.INVALID_BLOCK, 0, 0);
        for (int i = 0; i < nChain; i++) {
            SpgPage.setNextOffset(page, chainSrc[i], chainDest[i]);
        }
    }

    /**
     * spgRedoVacuumRedirect: redirects old enough become placeholders, and the placeholders from
     * firstPlaceholder to the end of the page are removed.
     */
    private static void vacuumRedirect(Page page, ByteBuffer main) {
        int n = RecordData.u16(main, 0);
        int firstPlaceholder = RecordData.u16(main, 2);
        for (int offnum : RecordData.u16s(main, 8, n, "vacuum redirect offsets")) {
            SpgPage.redirectToPlaceholder(page, offnum);
        }
        SpgPage.addRedirections(page, -n);
        SpgPage.addPlaceholders(page, n);
        if (firstPlaceholder != 0) {
            int max = page.maxOffset();
            if (firstPlaceholder > max) {
                throw new PageCorruptException("first placeholder " + firstPlaceholder + " past the page's " + max
                        + " items");
            }
            int[] toDelete = new int[max - firstPlaceholder + 1];
            for (int i = 0; i < toDelete.length; i++) {
                toDelete[i] = firstPlaceholder + i;
            }
            SpgPage.addPlaceholders(page, -toDelete.length);
            page.indexMultiDelete(toDelete);
        }
    }

    /** spg_mask. */
    @Override
    public void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        if (page.lower() >= Page.HEADER_SIZE) {
            PageMasks.unusedSpace(page);
        }
    }
}
