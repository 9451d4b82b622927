package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.rmgr.SmgrRecord;
import dev.cairn.pgformat.rmgr.VisibilityMapChange;
import dev.cairn.redo.fsm.FreeSpaceMapPage;

/**
 * Storage records: fork creation, and truncation of the main fork with the
 * matching FSM and VM truncation (FreeSpaceMapPrepareTruncateRel,
 * visibilitymap_prepare_truncate of PostgreSQL 15).
 */
final class SmgrRedo {
    /** The VM's map starts after the MAXALIGNed page header. */
    static final int VM_MAP_OFFSET = 24;

    private SmgrRedo() {
    }

    static void apply(RecordContext ctx, SmgrRecord rec, Relations relations) {
        switch (rec) {
            case SmgrRecord.Create c -> relations.create(ctx, new RelFork(c.rel(), c.fork()));
            case SmgrRecord.Truncate t -> truncate(ctx, t, relations);
        }
    }

    private static void truncate(RecordContext ctx, SmgrRecord.Truncate t, Relations relations) {
        long heapBlocks = t.blocks();
        if (t.truncatesMain()) {
            relations.truncate(ctx, new RelFork(t.rel(), ForkNumber.MAIN), heapBlocks);
        }
        RelFork fsm = new RelFork(t.rel(), ForkNumber.FSM);
        RelState fsmState = relations.state(ctx, fsm);
        if (t.truncatesFreeSpaceMap() && fsmState != null) {
            long physical = FreeSpaceMapPage.blockOf(heapBlocks);
            long keep = physical;
            int firstRemovedSlot = FreeSpaceMapPage.slotOf(heapBlocks);
            if (firstRemovedSlot != 0) {
                // the last kept FSM page still maps removed blocks: their slots are cleared
                if (physical < fsmState.nblocks()) {
                    byte[] page = relations.pageToChange(ctx, fsm, physical);
                    if (FreeSpaceMapPage.truncateAvail(page, firstRemovedSlot)) {
                        relations.putPage(ctx, fsm, physical, page);
                    }
                }
                keep = physical + 1;
            }
            relations.truncate(ctx, fsm, keep);
        }
        RelFork vm = new RelFork(t.rel(), ForkNumber.VISIBILITYMAP);
        RelState vmState = relations.state(ctx, vm);
        if (t.truncatesVisibilityMap() && vmState != null) {
            long truncBlock = heapBlocks / VisibilityMapChange.HEAPBLOCKS_PER_PAGE;
            int truncByte = (int) ((heapBlocks % VisibilityMapChange.HEAPBLOCKS_PER_PAGE) / VisibilityMapChange.HEAPBLOCKS_PER_BYTE);
            int truncBits = (int) (heapBlocks % VisibilityMapChange.HEAPBLOCKS_PER_BYTE) * 2;
            long keep = truncBlock;
            if (truncByte != 0 || truncBits != 0) {
                keep = truncBlock + 1;
                byte[] page = truncBlock < vmState.nblocks() ? ctx.timeline.storedPage(vm, truncBlock, ctx.lsn, vmState) : null;
                if (page != null) {
                    page = page.clone();
                    int at = VM_MAP_OFFSET + truncByte;
                    page[at] &= (byte) ((1 << truncBits) - 1);
                    for (int i = at + 1; i < PgConstants.BLCKSZ; i++) {
                        page[i] = 0;
                    }
                    relations.putPage(ctx, vm, truncBlock, page);
                }
            }
            relations.truncate(ctx, vm, keep);
        }
    }
}
