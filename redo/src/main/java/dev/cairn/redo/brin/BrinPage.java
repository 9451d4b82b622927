package dev.cairn.redo.brin;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * The layout of BRIN pages (brin_page.h): an 8-byte special space whose last half-word is the page type and the
 * one before it the flags; the metapage's BrinMetaPageData and the revmap's item pointer array start right
 * after the page header.
 */
final class BrinPage {
    static final int TYPE_META = 0xF091;
    static final int TYPE_REVMAP = 0xF092;
    static final int TYPE_REGULAR = 0xF093;
    /** BRIN_EVACUATE_PAGE: set without WAL while a page is being emptied. */
    static final int EVACUATE = 1;
    static final int SPECIAL_SIZE = 8;
    static final long META_MAGIC = 0xA8109CFAL;
    /** PageGetContents: MAXALIGN(SizeOfPageHeaderData). */
    private static final int CONTENTS = 24;
    /** sizeof(BrinMetaPageData): magic, version, pagesPerRange, lastRevmapPage. */
    private static final int META_SIZE = 16;
    private static final int META_LAST_REVMAP_PAGE = CONTENTS + 12;
    /** REVMAP_PAGE_MAXITEMS: the item pointers that fit between the header and the special space. */
    static final int REVMAP_PAGE_MAXITEMS = (Page.SIZE - CONTENTS - SPECIAL_SIZE) / ItemPointer.SIZE;

    private BrinPage() {
    }

    /** brin_page_init. */
    static void init(Page page, int type) {
        page.init(SPECIAL_SIZE);
        page.put16(page.specialOffset() + 6, type);
    }

    static int type(Page page) {
        return page.u16(page.specialOffset() + 6);
    }

    static void clearFlags(Page page, int flags) {
        page.setBits16(page.specialOffset() + 4, flags, false);
    }

    /** brin_metapage_init, with pd_lower just past the metadata so that a compressed image keeps it. */
    static void initMeta(Page page, long pagesPerRange, int version) {
        init(page, TYPE_META);
        page.put32(CONTENTS, META_MAGIC);
        page.put32(CONTENTS + 4, version);
        page.put32(CONTENTS + 8, pagesPerRange);
        page.put32(META_LAST_REVMAP_PAGE, 0);
        page.setLower(CONTENTS + META_SIZE);
    }

    /** The metapage's lastRevmapPage after a revmap extension, pd_lower set as brin_xlog_revmap_extend does. */
    static void setLastRevmapPage(Page page, long targetBlock) {
        requireType(page, TYPE_META, "metapage");
        page.put32(META_LAST_REVMAP_PAGE, targetBlock);
        page.setLower(CONTENTS + META_SIZE);
    }

    /**
     * brinSetHeapBlockItemptr: the revmap entry of the range holding {@code heapBlock} points at
     * ({@code block}, {@code offset}), or is invalid when {@code offset} is 0.
     */
    static void setRevmapEntry(Page page, long pagesPerRange, long heapBlock, long block, int offset) {
        requireType(page, TYPE_REVMAP, "revmap page");
        if (pagesPerRange == 0) {
            throw new PageCorruptException("BRIN record with pagesPerRange 0");
        }
        int at = CONTENTS + (int) ((heapBlock / pagesPerRange) % REVMAP_PAGE_MAXITEMS) * ItemPointer.SIZE;
        if (offset == 0) {
            ItemPointer.setInvalid(page, at);
        } else {
            ItemPointer.set(page, at, block, offset);
        }
    }

    static void requireType(Page page, int type, String what) {
        if (type(page) != type) {
            throw new PageCorruptException("BRIN " + what + " expected, page type is 0x"
                    + Integer.toHexString(type(page)));
        }
    }
}
