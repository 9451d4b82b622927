package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.rmgr.VisibilityMapChange;
import dev.cairn.pgformat.rmgr.VisibilityMapEffects;

/**
 * Heap records clear visibility-map bits without registering the VM page
 * (the flags in the record say so): the only block change that comes without
 * an image. Setting bits (heap2 VISIBLE) registers the VM page, whose image
 * is stored like any other.
 */
final class VisibilityMapRedo {
    private VisibilityMapRedo() {
    }

    static void apply(RecordContext ctx, Relations relations) {
        for (VisibilityMapChange c : VisibilityMapEffects.of(ctx.record)) {
            if (c.op() != VisibilityMapChange.Op.CLEAR) {
                continue;
            }
            RelFork vm = new RelFork(c.rel(), ForkNumber.VISIBILITYMAP);
            RelState state = relations.state(ctx, vm);
            if (state == null || c.vmBlock() >= state.nblocks()) {
                continue; // no VM page: the bits are clear already
            }
            byte[] page = ctx.timeline.storedPage(vm, c.vmBlock(), ctx.lsn, state);
            if (page == null) {
                continue;
            }
            int at = SmgrRedo.VM_MAP_OFFSET + c.mapByte();
            int mask = c.bits() << c.bitShift();
            if ((page[at] & mask) == 0) {
                continue;
            }
            page = page.clone();
            page[at] &= (byte) ~mask;
            relations.putPage(ctx, vm, c.vmBlock(), page);
        }
    }
}
