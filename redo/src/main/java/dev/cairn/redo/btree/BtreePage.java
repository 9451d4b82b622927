package dev.cairn.redo.btree;

import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * An nbtree page's special space, BTPageOpaqueData (nbtree.h): sibling links, tree level, flags and the vacuum
 * cycle id, read and written on a {@link Page} in place; and the page-wide helpers of nbtpage.c that redo uses
 * (_bt_pageinit, BTPageSetDeleted, P_FIRSTDATAKEY).
 */
final class BtreePage {
    /** sizeof(BTPageOpaqueData). */
    static final int OPAQUE_SIZE = 16;
    static final int LEAF = 1;
    static final int ROOT = 1 << 1;
    static final int DELETED = 1 << 2;
    static final int META = 1 << 3;
    static final int HALF_DEAD = 1 << 4;
    static final int SPLIT_END = 1 << 5;
    static final int HAS_GARBAGE = 1 << 6;
    static final int INCOMPLETE_SPLIT = 1 << 7;
    static final int HAS_FULLXID = 1 << 8;
    /** P_NONE: no sibling. */
    static final long NONE = 0;
    static final int HIKEY = 1;
    static final int FIRSTKEY = 2;

    private static final int PREV = 0;
    private static final int NEXT = 4;
    private static final int LEVEL = 8;
    private static final int FLAGS = 12;
    private static final int CYCLE_ID = 14;
    /** MAXALIGN(SizeOfPageHeaderData): where PageGetContents starts. */
    static final int CONTENTS = Page.maxAlign(Page.HEADER_SIZE);
    /** sizeof(BTDeletedPageData): the safexid of a deleted page. */
    private static final int DELETED_PAGE_DATA = 8;

    private final Page page;
    private final int at;

    private BtreePage(Page page, int at) {
        this.page = page;
        this.at = at;
    }

    /** The special space of a btree page, checked to be a BTPageOpaqueData. */
    static BtreePage of(Page page) {
        int special = page.special();
        if (special != Page.SIZE - OPAQUE_SIZE) {
            throw new PageCorruptException("not a btree page: special space at " + special + " is "
                    + (Page.SIZE - special) + " bytes, not " + OPAQUE_SIZE);
        }
        return new BtreePage(page, special);
    }

    /** _bt_pageinit: an empty page with a zeroed BTPageOpaqueData. */
    static BtreePage init(Page page) {
        page.init(OPAQUE_SIZE);
        return of(page);
    }

    long prev() {
        return page.u32(at + PREV);
    }

    void setPrev(long blkno) {
        page.put32(at + PREV, blkno);
    }

    long next() {
        return page.u32(at + NEXT);
    }

    void setNext(long blkno) {
        page.put32(at + NEXT, blkno);
    }

    long level() {
        return page.u32(at + LEVEL);
    }

    void setLevel(long level) {
        page.put32(at + LEVEL, level);
    }

    int flags() {
        return page.u16(at + FLAGS);
    }

    void setFlags(int flags) {
        page.put16(at + FLAGS, flags);
    }

    void clearFlags(int flags) {
        page.setBits16(at + FLAGS, flags, false);
    }

    int cycleId() {
        return page.u16(at + CYCLE_ID);
    }

    void setCycleId(int cycleId) {
        page.put16(at + CYCLE_ID, cycleId);
    }

    boolean isLeaf() {
        return (flags() & LEAF) != 0;
    }

    boolean isRightmost() {
        return next() == NONE;
    }

    /** P_FIRSTDATAKEY: a rightmost page has no high key, so its data starts at the first item. */
    int firstDataKey() {
        return isRightmost() ? HIKEY : FIRSTKEY;
    }

    /** Sets prev, next, level, flags and a zero cycle id, the opaque fields every rebuilt page gets. */
    void set(long prev, long next, long level, int flags) {
        setPrev(prev);
        setNext(next);
        setLevel(level);
        setFlags(flags);
        setCycleId(0);
    }

    /**
     * BTPageSetDeleted: the page is deleted, no longer half-dead, and carries the full XID after which it may
     * be recycled in place of any tuples.
     */
    void setDeleted(long safeXid) {
        setFlags((flags() & ~HALF_DEAD) | DELETED | HAS_FULLXID);
        page.setLower(CONTENTS + DELETED_PAGE_DATA);
        page.setUpper(page.special());
        page.put32(CONTENTS, safeXid);
        page.put32(CONTENTS + 4, safeXid >>> 32);
    }
}
