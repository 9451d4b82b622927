package dev.cairn.redo.heap;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.redo.page.Page;

import java.util.OptionalInt;

/**
 * The free space heap redo records in the free space map (XLogRecordPageWithFreeSpace in heapam.c's
 * heap_xlog_*): inserts, multi-inserts and non-HOT updates for a page left with less than a fifth of it free,
 * when they were redone rather than restored from an image; pruning and vacuuming always; a page set all-visible
 * always, with its plain free space. HOT updates record nothing: the page will be pruned.
 */
public final class HeapFreeSpace {
    private static final int LOW = Page.SIZE / 5;

    private HeapFreeSpace() {
    }

    /**
     * What redo records for {@code block}'s heap page once the record is applied, or empty for nothing.
     *
     * @param pageAfter         the heap page after the record
     * @param restoredFromImage whether the block was restored from a full-page image instead of redone
     */
    public static OptionalInt toRecord(DecodedRecord rec, BlockReference block, byte[] pageAfter,
                                       boolean restoredFromImage) {
        if (rec.rmgr() == RmgrId.HEAP) {
            int op = rec.rmgrInfo() & HeapRedo.OPMASK;
            boolean lowOnSpace = op == HeapRedo.INSERT || op == HeapRedo.UPDATE;
            if (lowOnSpace && block.blockId() == 0 && !restoredFromImage) {
                return lowSpace(pageAfter);
            }
        } else if (rec.rmgr() == RmgrId.HEAP2) {
            switch (rec.rmgrInfo() & Heap2Redo.OPMASK) {
                case Heap2Redo.PRUNE, Heap2Redo.VACUUM -> {
                    if (block.blockId() == 0) {
                        return OptionalInt.of(Page.wrap(pageAfter).heapFreeSpace());
                    }
                }
                case Heap2Redo.VISIBLE -> {
                    if (block.blockId() == 1 && (rec.mainData().get(4) & Heap2Redo.VM_VALID_BITS) != 0) {
                        return OptionalInt.of(Page.wrap(pageAfter).freeSpace());
                    }
                }
                case Heap2Redo.MULTI_INSERT -> {
                    if (block.blockId() == 0 && !restoredFromImage) {
                        return lowSpace(pageAfter);
                    }
                }
                default -> {
                }
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt lowSpace(byte[] pageAfter) {
        int free = Page.wrap(pageAfter).heapFreeSpace();
        return free < LOW ? OptionalInt.of(free) : OptionalInt.empty();
    }
}
