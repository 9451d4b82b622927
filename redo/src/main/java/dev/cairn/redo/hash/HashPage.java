package dev.cairn.redo.hash;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * The special space of a hash index page (hash.h HashPageOpaqueData: previous and next block, bucket, flags and
 * the hash page id), and the bitmap pages' bit array.
 */
final class HashPage {
    static final int UNUSED = 0;
    static final int OVERFLOW = 1;
    static final int BUCKET = 1 << 1;
    static final int BITMAP = 1 << 2;
    static final int META = 1 << 3;
    static final int NEEDS_SPLIT_CLEANUP = 1 << 6;
    static final int HAS_DEAD_TUPLES = 1 << 7;
    /** LH_PAGE_TYPE. */
    static final int TYPE_MASK = OVERFLOW | BUCKET | BITMAP | META;
    static final int PAGE_ID = 0xFF80;
    static final int OPAQUE_SIZE = 16;
    static final long INVALID_BUCKET = 0xFFFFFFFFL;
    /** PageGetContents: where the metapage's data and the bitmap start. */
    static final int CONTENTS = 24;
    private static final int PREV = 0;
    private static final int NEXT = 4;
    private static final int BUCKET_NO = 8;
    private static final int FLAG = 12;
    private static final int ID = 14;

    private HashPage() {
    }

    /**
     * _hash_pageinit plus the special space every initialising function then fills in (_hash_initbuf passes the
     * table's max bucket as {@code prev} of a bucket page, which validates cached metadata).
     */
    static void init(Page page, long prev, long bucket, int flag) {
        page.init(OPAQUE_SIZE);
        int s = page.specialOffset();
        page.put32(s + PREV, prev);
        page.put32(s + NEXT, ItemPointer.INVALID_BLOCK);
        page.put32(s + BUCKET_NO, bucket);
        page.put16(s + FLAG, flag);
        page.put16(s + ID, PAGE_ID);
    }

    /** _hash_initbitmapbuffer: every bit of the first {@code bmsize} bytes set, pd_lower just past them. */
    static void initBitmap(Page page, int bmsize) {
        init(page, ItemPointer.INVALID_BLOCK, INVALID_BUCKET, BITMAP);
        if (CONTENTS + bmsize > page.specialOffset()) {
            throw new PageCorruptException("hash bitmap of " + bmsize + " bytes does not fit a page");
        }
        page.fill(CONTENTS, bmsize, 0xFF);
        page.setLower(CONTENTS + bmsize);
    }

    static int flag(Page page) {
        return page.u16(page.specialOffset() + FLAG);
    }

    static void setFlag(Page page, int flag) {
        page.put16(page.specialOffset() + FLAG, flag);
    }

    static void clearFlags(Page page, int flags) {
        page.setBits16(page.specialOffset() + FLAG, flags, false);
    }

    static void setPrev(Page page, long block) {
        page.put32(page.specialOffset() + PREV, block);
    }

    static void setNext(Page page, long block) {
        page.put32(page.specialOffset() + NEXT, block);
    }

    /** SETBIT or CLRBIT on a bitmap page's array of uint32 words. */
    static void setBitmapBit(Page page, long bit, boolean on) {
        requireType(page, BITMAP, "bitmap page");
        long word = CONTENTS + (bit / 32) * 4;
        if (word + 4 > page.specialOffset()) {
            throw new PageCorruptException("hash bitmap bit " + bit + " lies beyond the bitmap page");
        }
        long mask = 1L << (bit % 32);
        long v = page.u32((int) word);
        page.put32((int) word, on ? v | mask : v & ~mask);
    }

    static void requireType(Page page, int type, String what) {
        if ((flag(page) & TYPE_MASK) != type) {
            throw new PageCorruptException("hash " + what + " expected, page flags are 0x"
                    + Integer.toHexString(flag(page)));
        }
    }
}
