package dev.cairn.redo.heap;

import dev.cairn.redo.PageMasks;
import dev.cairn.redo.page.Page;

/** heap_mask (heapam.c), the mask of both heap resource managers. */
final class HeapMask {
    private HeapMask() {
    }

    static void mask(Page page, long blockNumber) {
        PageMasks.lsnAndChecksum(page);
        PageMasks.hintBits(page);
        PageMasks.unusedSpace(page);
        for (int off = 1; off <= page.maxOffset(); off++) {
            int item = page.itemOffset(off);
            if (page.itemIsNormal(off)) {
                int mask = HeapTuple.infomask(page, item);
                if ((mask & HeapTuple.HEAP_XMIN_FROZEN) != HeapTuple.HEAP_XMIN_FROZEN) {
                    // hint bits are set without WAL while xmin is not frozen
                    mask &= ~HeapTuple.HEAP_XACT_MASK;
                } else {
                    mask &= ~(HeapTuple.HEAP_XMAX_INVALID | HeapTuple.HEAP_XMAX_COMMITTED);
                }
                HeapTuple.setInfomask(page, item, mask);
                page.put32(item + HeapTuple.CID, PageMasks.MARKER); // redo writes FirstCommandId
                if (HeapTuple.ctidOffset(page, item) == HeapTuple.SPEC_TOKEN_OFFSET) {
                    // a speculative insertion's token is never logged; redo puts the tuple's own position
                    HeapTuple.setCtid(page, item, blockNumber, off);
                }
            }
            if (page.itemHasStorage(off)) {
                int len = page.itemLength(off);
                int pad = Page.maxAlign(len) - len;
                if (pad > 0) {
                    page.fill(item + len, pad, PageMasks.MARKER);
                }
            }
        }
    }
}
