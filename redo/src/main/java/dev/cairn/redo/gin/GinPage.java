package dev.cairn.redo.gin;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * GIN page layout (ginblock.h): the special space (right link, maxoff, flags), the metapage, and posting tree
 * pages, whose data (a right bound, then posting items or compressed posting lists) ends at pd_lower.
 */
final class GinPage {
    static final int DATA = 1;
    static final int LEAF = 1 << 1;
    static final int DELETED = 1 << 2;
    static final int META = 1 << 3;
    static final int LIST = 1 << 4;
    static final int LIST_FULLROW = 1 << 5;
    static final int INCOMPLETE_SPLIT = 1 << 6;
    static final int COMPRESSED = 1 << 7;
    static final int OPAQUE_SIZE = 8;
    /** PageGetContents: the metapage's data and a data page's right bound. */
    static final int CONTENTS = 24;
    /** GinDataPageGetData: after the right bound, MAXALIGN(sizeof(ItemPointerData)). */
    static final int DATA_START = CONTENTS + 8;
    /** sizeof(GinMetaPageData). */
    static final int META_SIZE = 56;
    /** sizeof(PostingItem): a child block and a key item pointer. */
    static final int POSTING_ITEM_SIZE = 10;
    private static final int RIGHTLINK = 0;
    private static final int MAXOFF = 4;
    private static final int FLAGS = 6;

    private GinPage() {
    }

    /** GinInitPage. */
    static void init(Page page, int flags) {
        page.init(OPAQUE_SIZE);
        int s = page.specialOffset();
        page.put16(s + FLAGS, flags);
        page.put32(s + RIGHTLINK, ItemPointer.INVALID_BLOCK);
    }

    /**
     * GinInitMetabuffer followed by the copy of the logged metadata over it, pd_lower just past the metadata.
     */
    static void initMeta(Page page, byte[] metadata) {
        init(page, META);
        page.copyIn(CONTENTS, metadata, 0, META_SIZE);
        page.setLower(CONTENTS + META_SIZE);
    }

    static int flags(Page page) {
        return page.u16(page.specialOffset() + FLAGS);
    }

    static void setFlags(Page page, int flags, boolean on) {
        page.setBits16(page.specialOffset() + FLAGS, flags, on);
    }

    static int maxoff(Page page) {
        return page.u16(page.specialOffset() + MAXOFF);
    }

    static void setMaxoff(Page page, int maxoff) {
        page.put16(page.specialOffset() + MAXOFF, maxoff);
    }

    static void setRightlink(Page page, long block) {
        page.put32(page.specialOffset() + RIGHTLINK, block);
    }

    /** GinDataPageSetDataSize. */
    static void setDataSize(Page page, int size) {
        if (size < 0 || DATA_START + size > page.specialOffset()) {
            throw new PageCorruptException("GIN data of " + size + " bytes does not fit a page");
        }
        page.setLower(DATA_START + size);
    }

    /** GinDataLeafPageGetPostingListSize. */
    static int dataSize(Page page) {
        int size = page.lower() - DATA_START;
        if (size < 0 || page.lower() > page.specialOffset()) {
            throw new PageCorruptException("GIN data page with pd_lower " + page.lower());
        }
        return size;
    }

    static void requireFlags(Page page, int flags, String what) {
        if ((flags(page) & flags) != flags) {
            throw new PageCorruptException("GIN " + what + " expected, page flags are 0x"
                    + Integer.toHexString(flags(page)));
        }
    }

    private static int postingItem(Page page, int offset, int limit) {
        if (offset < 1 || offset > limit) {
            throw new PageCorruptException("GIN posting item " + offset + " outside 1.." + limit);
        }
        return DATA_START + (offset - 1) * POSTING_ITEM_SIZE;
    }

    /** PostingItemSetBlockNumber on the item at {@code offset} of an internal data page. */
    static void setPostingItemChild(Page page, int offset, long block) {
        ItemPointer.setBlock(page, postingItem(page, offset, maxoff(page)), block);
    }

    /** GinDataPageAddPostingItem at {@code offset}, later items shifted up. */
    static void addPostingItem(Page page, byte[] item, int offset) {
        int maxoff = maxoff(page);
        int at = postingItem(page, offset, maxoff + 1);
        if (DATA_START + (maxoff + 1) * POSTING_ITEM_SIZE > page.specialOffset()) {
            throw new PageCorruptException("no room for GIN posting item " + (maxoff + 1));
        }
        byte[] b = page.bytes();
        System.arraycopy(b, at, b, at + POSTING_ITEM_SIZE, (maxoff - offset + 1) * POSTING_ITEM_SIZE);
        page.copyIn(at, item, 0, POSTING_ITEM_SIZE);
        setMaxoff(page, maxoff + 1);
        setDataSize(page, (maxoff + 1) * POSTING_ITEM_SIZE);
    }

    /** GinPageDeletePostingItem. */
    static void deletePostingItem(Page page, int offset) {
        int maxoff = maxoff(page);
        int at = postingItem(page, offset, maxoff);
        byte[] b = page.bytes();
        System.arraycopy(b, at + POSTING_ITEM_SIZE, b, at, (maxoff - offset) * POSTING_ITEM_SIZE);
        setMaxoff(page, maxoff - 1);
        setDataSize(page, (maxoff - 1) * POSTING_ITEM_SIZE);
    }
}
