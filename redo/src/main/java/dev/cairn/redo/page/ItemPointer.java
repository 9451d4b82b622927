package dev.cairn.redo.page;

import java.nio.ByteBuffer;

/**
 * itemptr.h and block.h in a page or in record data: a BlockIdData is the block number as two 16-bit halves,
 * high first; an ItemPointerData adds the 16-bit offset number.
 */
public final class ItemPointer {
    /** sizeof(ItemPointerData). */
    public static final int SIZE = 6;
    /** InvalidBlockNumber. */
    public static final long INVALID_BLOCK = 0xFFFFFFFFL;

    private ItemPointer() {
    }

    /** BlockIdSet at {@code at}. */
    public static void setBlock(Page page, int at, long block) {
        page.put16(at, (int) (block >>> 16));
        page.put16(at + 2, (int) (block & 0xFFFF));
    }

    /** ItemPointerSet at {@code at}. */
    public static void set(Page page, int at, long block, int offset) {
        setBlock(page, at, block);
        page.put16(at + 4, offset);
    }

    /** ItemPointerSetInvalid at {@code at}. */
    public static void setInvalid(Page page, int at) {
        set(page, at, INVALID_BLOCK, 0);
    }

    /** BlockIdGetBlockNumber of the BlockIdData at {@code at} in record data. */
    public static long block(ByteBuffer data, int at) {
        return ((long) RecordData.u16(data, at) << 16) | RecordData.u16(data, at + 2);
    }
}
