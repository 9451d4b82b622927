package dev.cairn.redo.heap;

import dev.cairn.redo.page.Page;

/**
 * A visibility-map page (visibilitymap.c): two bits per heap block (all-visible, all-frozen) after a
 * MAXALIGNed page header.
 */
public final class VisibilityMapPage {
    /** MAPSIZE: the bytes of map on a page. */
    public static final int MAP_SIZE = Page.SIZE - Page.maxAlign(Page.HEADER_SIZE);
    public static final int HEAP_BLOCKS_PER_BYTE = 4;
    public static final long HEAP_BLOCKS_PER_PAGE = (long) MAP_SIZE * HEAP_BLOCKS_PER_BYTE;

    private VisibilityMapPage() {
    }

    /** The map block holding a heap block's bits. */
    public static long mapBlock(long heapBlock) {
        return heapBlock / HEAP_BLOCKS_PER_PAGE;
    }

    /** visibilitymap_set on the page: OR the bits in for the heap block. */
    public static void set(Page page, long heapBlock, int flags) {
        long inPage = heapBlock % HEAP_BLOCKS_PER_PAGE;
        int at = Page.maxAlign(Page.HEADER_SIZE) + (int) (inPage / HEAP_BLOCKS_PER_BYTE);
        int shift = (int) (inPage % HEAP_BLOCKS_PER_BYTE) * 2;
        page.put8(at, page.u8(at) | (flags << shift));
    }
}
