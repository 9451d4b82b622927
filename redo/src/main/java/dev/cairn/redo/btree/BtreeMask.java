package dev.cairn.redo.btree;

import dev.cairn.redo.PageMasks;
import dev.cairn.redo.page.Page;

/** btree_mask (nbtxlog.c): what a redone btree page may differ in from PostgreSQL's. */
final class BtreeMask {
    private BtreeMask() {
    }

    static void mask(Page page) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        PageMasks.unusedSpace(page);
        BtreePage opaque = BtreePage.of(page);
        if (opaque.isLeaf()) {
            // _bt_killitems and _bt_check_unique set LP_DEAD on leaf items without WAL
            PageMasks.lpFlags(page);
        }
        // BTP_HAS_GARBAGE is an unlogged hint; split redo neither sets BTP_SPLIT_END nor keeps the cycle id
        opaque.clearFlags(BtreePage.HAS_GARBAGE | BtreePage.SPLIT_END);
        opaque.setCycleId(0);
    }
}
