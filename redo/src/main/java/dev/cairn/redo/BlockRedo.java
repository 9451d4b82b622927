package dev.cairn.redo;

import dev.cairn.pgformat.rmgr.RecordTypeNames;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.FullPageImage;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import dev.cairn.redo.brin.BrinRedo;
import dev.cairn.redo.btree.BtreeRedo;
import dev.cairn.redo.gin.GinRedo;
import dev.cairn.redo.gist.GistRedo;
import dev.cairn.redo.hash.HashRedo;
import dev.cairn.redo.heap.Heap2Redo;
import dev.cairn.redo.heap.HeapRedo;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.spgist.SpgRedo;

import java.nio.BufferUnderflowException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Materialises one block of one record, as PostgreSQL's XLogReadBufferForRedo and the rmgr's redo do: an
 * image marked for replay (a full-page write, XLOG FPI) is restored; otherwise the record is redone on the
 * block's previous version, unless that version already carries the record (page LSN at or past its end).
 */
public final class BlockRedo {
    private static final Map<RmgrId, RmgrRedo> REDO = new EnumMap<>(RmgrId.class);

    static {
        REDO.put(RmgrId.HEAP, new HeapRedo());
        REDO.put(RmgrId.HEAP2, new Heap2Redo());
        REDO.put(RmgrId.SEQ, new SequenceRedo());
        REDO.put(RmgrId.GENERIC, new GenericRedo());
        REDO.put(RmgrId.BTREE, new BtreeRedo());
        REDO.put(RmgrId.BRIN, new BrinRedo());
        REDO.put(RmgrId.GIST, new GistRedo());
        REDO.put(RmgrId.HASH, new HashRedo());
        REDO.put(RmgrId.GIN, new GinRedo());
        REDO.put(RmgrId.SPGIST, new SpgRedo());
    }

    private BlockRedo() {
    }

    /** The PostgreSQL 15 resource managers whose records change relation blocks (XLOG's only as replay images). */
    private static final Set<RmgrId> BLOCK_RMGRS = EnumSet.of(RmgrId.HEAP2, RmgrId.HEAP, RmgrId.BTREE, RmgrId.HASH,
            RmgrId.GIN, RmgrId.GIST, RmgrId.SEQ, RmgrId.SPGIST, RmgrId.BRIN, RmgrId.GENERIC);

    /** Resource managers whose block records Cairn redoes in Java. */
    public static Set<RmgrId> covered() {
        return REDO.keySet();
    }

    /**
     * The value of wal_consistency_checking a compute needs: the block-changing resource managers Cairn has
     * no redo for, whose records must carry the images of the blocks they change ("" once there are none).
     */
    public static String consistencyCheckingSetting() {
        return BLOCK_RMGRS.stream().filter(r -> !REDO.containsKey(r)).map(r -> r.pgName.toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(","));
    }

    /** True if block {@code blockId} of {@code rec} can be materialised without PostgreSQL's image of it. */
    public static boolean canRedo(DecodedRecord rec, BlockReference block) {
        return block.applyImage() || (rec.rmgr() != null && REDO.containsKey(rec.rmgr()));
    }

    /** The resource manager's redo, or null when Cairn has none. */
    public static RmgrRedo forRmgr(RmgrId rmgr) {
        return rmgr == null ? null : REDO.get(rmgr);
    }

    /**
     * The block after the record.
     *
     * @param before the block's latest version before the record, or null when none exists (a new block)
     * @return a new page array; {@code before} is not changed
     * @throws RedoException when the record cannot apply to {@code before}
     */
    public static byte[] apply(DecodedRecord rec, BlockReference block, byte[] before) {
        if (block.applyImage()) {
            return restoredImage(rec, block);
        }
        RmgrRedo redo = forRmgr(rec.rmgr());
        if (redo == null) {
            throw new UnsupportedRedoException(rec, block, "no Java redo for resource manager "
                    + RmgrId.nameOf(rec.rmid()));
        }
        if (!redo.changes(rec, block)) {
            if (before == null) {
                throw new RedoException(rec, block, "the block has no previous version", null);
            }
            return before.clone();
        }
        Page page;
        if (block.willInit()) {
            page = Page.zeroed();
        } else {
            if (before == null && redo.zeroIfMissing(rec, block)) {
                before = new byte[Page.SIZE];
            }
            if (before == null) {
                throw new RedoException(rec, block, "the block has no previous version to apply the record to", null);
            }
            page = Page.wrap(before.clone());
            if (!page.isNew() && !page.lsn().isBefore(rec.pageLsn())) {
                return page.bytes(); // BLK_DONE: the version already includes this record
            }
        }
        try {
            redo.redo(rec, block, page);
        } catch (PageCorruptException | WalFormatException | BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new RedoException(rec, block, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        page.setLsn(rec.pageLsn());
        return page.bytes();
    }

    /**
     * The image PostgreSQL restores, with the LSN the page gets right after (the image was taken inside
     * XLogInsert, before PageSetLSN), and what the rmgr's redo changes over a restored image. An all-zero page
     * keeps LSN 0.
     */
    public static byte[] restoredImage(DecodedRecord rec, BlockReference block) {
        byte[] bytes = FullPageImage.restore(rec.lsn(), block);
        Page page = Page.wrap(bytes);
        if (!page.isNew()) {
            page.setLsn(rec.pageLsn());
            RmgrRedo redo = forRmgr(rec.rmgr());
            if (redo != null) {
                redo.afterImage(rec, block, page);
            }
        }
        return bytes;
    }

    /** "Heap/INSERT", as pg_waldump names the resource manager and the record type. */
    public static String recordType(DecodedRecord rec) {
        return RmgrId.nameOf(rec.rmid()) + "/" + RecordTypeNames.display(rec);
    }
}
