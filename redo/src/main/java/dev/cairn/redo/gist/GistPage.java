package dev.cairn.redo.gist;

import dev.cairn.common.Lsn;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;

/**
 * The special space of a GiST page (gist.h GISTPageOpaqueData): the NSN, the right link, the flags and the
 * GiST page id.
 */
final class GistPage {
    static final int LEAF = 1;
    static final int DELETED = 1 << 1;
    static final int TUPLES_DELETED = 1 << 2;
    static final int FOLLOW_RIGHT = 1 << 3;
    static final int HAS_GARBAGE = 1 << 4;
    static final int PAGE_ID = 0xFF81;
    static final int OPAQUE_SIZE = 16;
    private static final int NSN = 0;
    private static final int RIGHTLINK = 8;
    private static final int FLAGS = 12;
    private static final int ID = 14;
    /** MAXALIGN(SizeOfPageHeaderData) + sizeof(GISTDeletedPageContents). */
    private static final int DELETED_LOWER = 24 + 8;

    private GistPage() {
    }

    /** gistinitpage. */
    static void init(Page page, int flags) {
        page.init(OPAQUE_SIZE);
        int s = page.specialOffset();
        page.put32(s + RIGHTLINK, ItemPointer.INVALID_BLOCK);
        page.put16(s + FLAGS, flags);
        page.put16(s + ID, PAGE_ID);
    }

    static int flags(Page page) {
        return page.u16(page.specialOffset() + FLAGS);
    }

    static void setFlags(Page page, int flags, boolean on) {
        page.setBits16(page.specialOffset() + FLAGS, flags, on);
    }

    static boolean isLeaf(Page page) {
        return (flags(page) & LEAF) != 0;
    }

    /** GistPageSetNSN: stored as PageXLogRecPtr, the high half first. */
    static void setNsn(Page page, long nsn) {
        int s = page.specialOffset();
        page.put32(s + NSN, nsn >>> 32);
        page.put32(s + NSN + 4, nsn & 0xFFFFFFFFL);
    }

    static void setRightlink(Page page, long block) {
        page.put32(page.specialOffset() + RIGHTLINK, block);
    }

    /**
     * gistRedoClearFollowRight: the left half of a split whose downlink the record inserts gets the record's
     * LSN as its NSN and no longer needs a right-follow.
     */
    static void clearFollowRight(Page page, Lsn lsn) {
        setNsn(page, lsn.value());
        setFlags(page, FOLLOW_RIGHT, false);
    }

    /** GistPageSetDeleted: the deleting transaction's full XID right after the header. */
    static void setDeleted(Page page, long deleteFullXid) {
        setFlags(page, DELETED, true);
        page.setLower(DELETED_LOWER);
        page.put32(24, deleteFullXid & 0xFFFFFFFFL);
        page.put32(28, deleteFullXid >>> 32);
    }
}
