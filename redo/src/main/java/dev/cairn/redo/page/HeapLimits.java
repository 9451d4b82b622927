package dev.cairn.redo.page;

/** Heap page limits for 8 KB pages (htup_details.h). */
public final class HeapLimits {
    /** MaxHeapTuplesPerPage: (8192 - 24) / (MAXALIGN(23) + 4). */
    public static final int MAX_TUPLES_PER_PAGE = 291;

    private HeapLimits() {
    }
}
