package dev.cairn.redo.fsm;

import dev.cairn.redo.page.Page;

/**
 * The bottom level of the free space map as recovery keeps it (freespace.c, fsmpage.c): where a heap block's
 * slot lives, the category a free-space figure maps to, and setting one slot with the page's max-tree above it
 * brought up to date. Pure: page bytes in, page bytes changed in place.
 */
public final class FreeSpaceMapPage {
    /** fp_nodes starts after the MAXALIGNed page header and FSMPageData's int fp_next_slot. */
    private static final int NODES_OFFSET = Page.HEADER_SIZE + 4;
    private static final int NODES_PER_PAGE = Page.SIZE - NODES_OFFSET;
    private static final int NON_LEAF_NODES = Page.SIZE / 2 - 1;
    /** Heap blocks one bottom-level FSM page covers (SlotsPerFSMPage). */
    public static final int SLOTS_PER_PAGE = NODES_PER_PAGE - NON_LEAF_NODES;
    /** Levels of FSM pages (FSM_TREE_DEPTH for 8 KiB blocks). */
    public static final int TREE_DEPTH = 3;
    /** Free space of a category's step (BLCKSZ / FSM_CATEGORIES). */
    private static final int CATEGORY_STEP = Page.SIZE / 256;
    /** MaxFSMRequestSize = MaxHeapTupleSize: BLCKSZ - MAXALIGN(page header + one line pointer). */
    private static final int MAX_REQUEST = Page.SIZE - Page.maxAlign(Page.HEADER_SIZE + Page.ITEM_ID_SIZE);

    private FreeSpaceMapPage() {
    }

    /** fsm_space_avail_to_cat: 255 for a page that takes the largest tuple, else free space / 32, at most 254. */
    public static int category(int freeSpace) {
        if (freeSpace >= MAX_REQUEST) {
            return 255;
        }
        return Math.min(freeSpace / CATEGORY_STEP, 254);
    }

    /** The FSM fork block (fsm_logical_to_physical) of the bottom-level page with {@code heapBlock}'s slot. */
    public static long blockOf(long heapBlock) {
        return physicalBlockOfLeafPage(heapBlock / SLOTS_PER_PAGE);
    }

    /** The slot of {@code heapBlock} on its bottom-level FSM page. */
    public static int slotOf(long heapBlock) {
        return (int) (heapBlock % SLOTS_PER_PAGE);
    }

    /**
     * fsm_logical_to_physical for a bottom-level page: the FSM fork is laid out depth first, so each leaf page
     * is preceded by the upper-level pages on its path that come before it.
     */
    public static long physicalBlockOfLeafPage(long logicalPage) {
        long leaf = logicalPage;
        long pages = 0;
        for (int level = 0; level < TREE_DEPTH; level++) {
            pages += leaf + 1;
            leaf /= SLOTS_PER_PAGE;
        }
        return pages - 1;
    }

    /**
     * XLogRecordPageWithFreeSpace on one FSM page: a new (all-zero) page is initialised first; the slot takes
     * {@code category} and the max-tree above it is updated, rebuilt whole if it was inconsistent.
     *
     * @return whether the page changed in a way recovery would write out (fsm_set_avail's answer)
     */
    public static boolean setAvail(byte[] bytes, int slot, int category) {
        if (slot < 0 || slot >= SLOTS_PER_PAGE || category < 0 || category > 255) {
            throw new IllegalArgumentException("FSM slot " + slot + " / category " + category + " out of range");
        }
        Page page = Page.wrap(bytes);
        if (page.isNew()) {
            page.init(0);
        }
        int node = NON_LEAF_NODES + slot;
        if (node(bytes, node) == category && category <= node(bytes, 0)) {
            return false;
        }
        setNode(bytes, node, category);
        do {
            node = (node - 1) / 2;
            int left = 2 * node + 1;
            int value = Math.max(node(bytes, left), left + 1 < NODES_PER_PAGE ? node(bytes, left + 1) : 0);
            if (node(bytes, node) == value) {
                break;
            }
            setNode(bytes, node, value);
        } while (node > 0);
        if (category > node(bytes, 0)) {
            rebuild(bytes);
        }
        return true;
    }

    /**
     * FreeSpaceMapPrepareTruncateRel on the last FSM page that stays: a new page is initialised (fsm_readbuf),
     * the slots from {@code firstRemovedSlot} on are cleared and the tree rebuilt if any was set
     * (fsm_truncate_avail).
     *
     * @return whether the page bytes changed
     */
    public static boolean truncateAvail(byte[] bytes, int firstRemovedSlot) {
        if (firstRemovedSlot < 0 || firstRemovedSlot >= SLOTS_PER_PAGE) {
            throw new IllegalArgumentException("FSM slot " + firstRemovedSlot + " out of range");
        }
        Page page = Page.wrap(bytes);
        boolean changed = page.isNew();
        if (changed) {
            page.init(0);
        }
        boolean cleared = false;
        for (int node = NON_LEAF_NODES + firstRemovedSlot; node < NODES_PER_PAGE; node++) {
            cleared |= node(bytes, node) != 0;
            setNode(bytes, node, 0);
        }
        if (cleared) {
            rebuild(bytes);
        }
        return changed || cleared;
    }

    /** The category recorded for {@code slot} (a leaf node). */
    public static int avail(byte[] bytes, int slot) {
        return node(bytes, NON_LEAF_NODES + slot);
    }

    /** fsm_rebuild_page: every inner node the max of its children, from the bottom up. */
    private static void rebuild(byte[] bytes) {
        for (int node = NON_LEAF_NODES - 1; node >= 0; node--) {
            int left = 2 * node + 1;
            int value = left < NODES_PER_PAGE ? node(bytes, left) : 0;
            if (left + 1 < NODES_PER_PAGE) {
                value = Math.max(value, node(bytes, left + 1));
            }
            setNode(bytes, node, value);
        }
    }

    private static int node(byte[] bytes, int node) {
        return bytes[NODES_OFFSET + node] & 0xFF;
    }

    private static void setNode(byte[] bytes, int node, int value) {
        bytes[NODES_OFFSET + node] = (byte) value;
    }
}
