package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.PageMaterializer;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.redo.fsm.FreeSpaceMapPage;
import dev.cairn.redo.heap.HeapFreeSpace;

import java.util.OptionalInt;

/**
 * The free space map as PostgreSQL's redo keeps it. The FSM is never WAL-logged; recovery records a heap page's
 * free space after the records that change it most (XLogRecordPageWithFreeSpace), and so does ingest, so that a
 * compute started from the pageserver finds the space that pruning and vacuum freed, as a promoted standby does.
 */
final class FreeSpaceMapRedo {
    private FreeSpaceMapRedo() {
    }

    /** After {@code block} of a heap record is stored: the free space its redo records, if any. */
    static void afterHeapBlock(RecordContext ctx, Relations relations, RelFork rf, BlockReference block) {
        if (rf.fork() != ForkNumber.MAIN) {
            return;
        }
        PageMaterializer.Materialized heap = relations.page(ctx, rf, block.blockNumber());
        if (heap == null) {
            return;
        }
        OptionalInt free = HeapFreeSpace.toRecord(ctx.record, block, heap.page(), block.applyImage());
        if (free.isPresent()) {
            record(ctx, relations, new RelFork(rf.rel(), ForkNumber.FSM), block.blockNumber(), free.getAsInt());
        }
    }

    /** XLogRecordPageWithFreeSpace: the FSM fork is created or extended to the page if need be (as redo does). */
    private static void record(RecordContext ctx, Relations relations, RelFork fsm, long heapBlock, int freeSpace) {
        long fsmBlock = FreeSpaceMapPage.blockOf(heapBlock);
        relations.extend(ctx, fsm, fsmBlock + 1);
        byte[] page = relations.pageToChange(ctx, fsm, fsmBlock);
        if (FreeSpaceMapPage.setAvail(page, FreeSpaceMapPage.slotOf(heapBlock), FreeSpaceMapPage.category(freeSpace))) {
            relations.putPage(ctx, fsm, fsmBlock, page);
        }
    }
}
