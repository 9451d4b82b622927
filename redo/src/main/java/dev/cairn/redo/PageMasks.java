package dev.cairn.redo;

import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * PostgreSQL's bufmask.c: the parts of a page that redo is not expected to reproduce, blanked the same way
 * on both pages before they are compared.
 */
public final class PageMasks {
    /** MASK_MARKER. */
    public static final int MARKER = 0;

    private PageMasks() {
    }

    /** mask_page_lsn_and_checksum. */
    public static void lsnAndChecksum(Page page) {
        page.fill(0, 8, MARKER);
        page.setChecksum(MARKER);
    }

    /** mask_page_hint_bits: pd_prune_xid, PD_PAGE_FULL, PD_HAS_FREE_LINES and PD_ALL_VISIBLE are hints. */
    public static void hintBits(Page page) {
        page.setPruneXid(MARKER);
        page.setFlag(Page.PD_PAGE_FULL | Page.PD_HAS_FREE_LINES | Page.PD_ALL_VISIBLE, false);
    }

    /** mask_unused_space: the hole between the line pointers and the tuples. */
    public static void unusedSpace(Page page) {
        int lower = page.lower();
        int upper = page.upper();
        int special = page.special();
        if (lower > upper || special < upper || lower < Page.HEADER_SIZE || special > Page.SIZE) {
            throw new PageCorruptException("invalid page pd_lower " + lower + " pd_upper " + upper + " pd_special "
                    + special);
        }
        page.fill(lower, upper - lower, MARKER);
    }

    /** mask_lp_flags: line pointer flags are hints on index pages (LP_DEAD set without WAL). */
    public static void lpFlags(Page page) {
        for (int off = 1; off <= page.maxOffset(); off++) {
            if (page.itemIsUsed(off)) {
                page.setItemId(off, page.itemOffset(off), Page.LP_UNUSED, page.itemLength(off));
            }
        }
    }

    /** mask_page_content: everything after the header, and pd_lower/pd_upper. */
    public static void content(Page page) {
        page.fill(Page.HEADER_SIZE, Page.SIZE - Page.HEADER_SIZE, MARKER);
        page.setLower(0);
        page.setUpper(0);
    }
}
