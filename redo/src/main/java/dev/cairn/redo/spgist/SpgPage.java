package dev.cairn.redo.spgist;

import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SP-GiST pages (spgist_private.h): the special space (flags and the counts of redirection and placeholder
 * tuples), and the tuples redo touches. Every tuple starts with a 32-bit word whose low two bits are its state;
 * a leaf or dead tuple keeps its size in the other 30, an inner tuple its node count and prefix size, with its
 * size in the next half-word.
 */
final class SpgPage {
    static final int LEAF = 1 << 2;
    static final int NULLS = 1 << 3;
    static final int PAGE_ID = 0xFF82;
    static final int OPAQUE_SIZE = 8;
    static final int LIVE = 0;
    static final int REDIRECT = 1;
    static final int DEAD = 2;
    static final int PLACEHOLDER = 3;
    /** SGDTSIZE. */
    static final int DEAD_TUPLE_SIZE = 16;
    /** SGITHDRSZ: where an inner tuple's prefix starts. */
    private static final int INNER_HEADER_SIZE = 8;
    private static final int FLAGS = 0;
    private static final int N_REDIRECTION = 2;
    private static final int N_PLACEHOLDER = 4;
    private static final int ID = 6;

    private SpgPage() {
    }

    /** SpGistInitPage. */
    static void init(Page page, int flags) {
        page.init(OPAQUE_SIZE);
        page.put16(page.specialOffset() + FLAGS, flags);
        page.put16(page.specialOffset() + ID, PAGE_ID);
    }

    static void addRedirections(Page page, int delta) {
        addCount(page, N_REDIRECTION, delta, "redirection");
    }

    static void addPlaceholders(Page page, int delta) {
        addCount(page, N_PLACEHOLDER, delta, "placeholder");
    }

    private static void addCount(Page page, int field, int delta, String what) {
        int at = page.specialOffset() + field;
        int v = page.u16(at) + delta;
        if (v < 0) {
            throw new PageCorruptException("SP-GiST page would have " + v + " " + what + " tuples");
        }
        page.put16(at, v);
    }

    /** A copy of the leaf tuple at {@code at} in record data, whose first word holds its size. */
    static byte[] leafTuple(ByteBuffer data, int at, String what) {
        return copy(data, at, header(data, at, what).getInt(at) >>> 2, what);
    }

    /** {@code n} leaf tuples laid end to end from {@code at} in record data (unaligned, as logged). */
    static List<byte[]> leafTuples(ByteBuffer data, int at, int n, String what) {
        List<byte[]> tuples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] t = leafTuple(data, at, what);
            tuples.add(t);
            at += t.length;
        }
        return tuples;
    }

    /** A copy of the inner tuple at {@code at} in record data, whose size is the half-word after its first word. */
    static byte[] innerTuple(ByteBuffer data, int at, String what) {
        return copy(data, at, header(data, at, what).getShort(at + 4) & 0xFFFF, what);
    }

    private static ByteBuffer header(ByteBuffer data, int at, String what) {
        if (at + 8 > data.remaining()) {
            throw new PageCorruptException("SP-GiST " + what + ": no tuple header at data offset " + at + " of "
                    + data.remaining());
        }
        return data;
    }

    private static byte[] copy(ByteBuffer data, int at, int size, String what) {
        if (size < 8 || at + size > data.remaining()) {
            throw new PageCorruptException("SP-GiST " + what + " of " + size + " bytes at data offset " + at
                    + " does not fit the " + data.remaining() + " bytes logged");
        }
        byte[] t = new byte[size];
        data.get(at, t);
        return t;
    }

    private static int state(Page page, int offnum) {
        return page.u8(page.itemStart(offnum)) & 3;
    }

    /**
     * addOrReplaceTuple: the tuple goes at {@code offnum}, replacing the placeholder there when the offset is
     * already in use.
     */
    static void addOrReplace(Page page, byte[] tuple, int offnum) {
        if (offnum <= page.maxOffset()) {
            if (state(page, offnum) != PLACEHOLDER) {
                throw new PageCorruptException("SP-GiST tuple " + offnum + " to be replaced is not a placeholder");
            }
            addPlaceholders(page, -1);
            page.indexTupleDelete(offnum);
        }
        page.addItem(tuple, tuple.length, offnum, false, false);
    }

    /** PageIndexTupleDelete then PageAddItem at the same offset: a tuple replaced by one of another size. */
    static void replace(Page page, byte[] tuple, int offnum) {
        page.indexTupleDelete(offnum);
        page.addItem(tuple, tuple.length, offnum, false, false);
    }

    /** spgFormDeadTuple: a redirect points at (block, offset) and carries the inserting XID. */
    static byte[] deadTuple(int state, long block, int offset, long xid) {
        byte[] t = new byte[DEAD_TUPLE_SIZE];
        int word = state | DEAD_TUPLE_SIZE << 2;
        t[0] = (byte) word;
        t[1] = (byte) (word >>> 8);
        boolean redirect = state == REDIRECT;
        long b = redirect ? block : ItemPointer.INVALID_BLOCK;
        int off = redirect ? offset : 0;
        long x = redirect ? xid : 0;
        t[6] = (byte) (b >>> 16);
        t[7] = (byte) (b >>> 24);
        t[8] = (byte) b;
        t[9] = (byte) (b >>> 8);
        t[10] = (byte) off;
        t[11] = (byte) (off >>> 8);
        t[12] = (byte) x;
        t[13] = (byte) (x >>> 8);
        t[14] = (byte) (x >>> 16);
        t[15] = (byte) (x >>> 24);
        return t;
    }

    /**
     * spgPageIndexMultiDelete: the tuples at {@code offsets} are replaced by dead tuples, the first listed one
     * in {@code firstState}, the others in {@code restState}, counting redirections and placeholders.
     */
    static void multiDelete(Page page, int[] offsets, int firstState, int restState, long block, int offset,
                            long xid) {
        if (offsets.length == 0) {
            return;
        }
        int[] sorted = offsets.clone();
        Arrays.sort(sorted);
        page.indexMultiDelete(sorted);
        for (int itemno : sorted) {
            int state = itemno == offsets[0] ? firstState : restState;
            byte[] dead = deadTuple(state, block, offset, xid);
            page.addItem(dead, dead.length, itemno, false, false);
            if (state == REDIRECT) {
                addRedirections(page, 1);
            } else if (state == PLACEHOLDER) {
                addPlaceholders(page, 1);
            }
        }
    }

    /** spgUpdateNodeLink: node {@code nodeIndex} of the inner tuple at {@code offnum} points at (block, offset). */
    static void updateNodeLink(Page page, int offnum, int nodeIndex, long block, int offset) {
        int at = page.itemStart(offnum);
        long word = page.u32(at);
        int nNodes = (int) ((word >>> 3) & 0x1FFF);
        int prefixSize = (int) (word >>> 16);
        int node = at + INNER_HEADER_SIZE + prefixSize;
        int end = at + page.itemLength(offnum);
        for (int i = 0; i < nNodes; i++) {
            if (node + IndexTupleData.HEADER_SIZE > end) {
                throw new PageCorruptException("SP-GiST inner tuple " + offnum + ": node " + i + " lies past its end");
            }
            if (i == nodeIndex) {
                ItemPointer.set(page, node, block, offset);
                return;
            }
            node += IndexTupleData.sizeOf(page.u16(node + 6));
        }
        throw new PageCorruptException("failed to find requested node " + nodeIndex + " in SP-GiST inner tuple "
                + offnum + " of " + nNodes + " nodes");
    }

    /** SGLT_SET_NEXTOFFSET on the leaf tuple at {@code offnum}. */
    static void setNextOffset(Page page, int offnum, int next) {
        int at = page.itemStart(offnum) + 4;
        page.put16(at, (page.u16(at) & 0xC000) | (next & 0x3FFF));
    }

    /** The VACUUM_REDIRECT change of a redirect into a placeholder with an invalid pointer. */
    static void redirectToPlaceholder(Page page, int offnum) {
        int at = page.itemStart(offnum);
        if ((page.u8(at) & 3) != REDIRECT) {
            throw new PageCorruptException("SP-GiST tuple " + offnum + " is not a redirect");
        }
        page.put8(at, (page.u8(at) & ~3) | PLACEHOLDER);
        ItemPointer.setInvalid(page, at + 6);
    }

    /** Swaps two line pointers (the moves of VACUUM_LEAF). */
    static void swapItemIds(Page page, int a, int b) {
        int posA = Page.HEADER_SIZE + (a - 1) * Page.ITEM_ID_SIZE;
        int posB = Page.HEADER_SIZE + (b - 1) * Page.ITEM_ID_SIZE;
        if (a < 1 || b < 1 || a > page.maxOffset() || b > page.maxOffset()) {
            throw new PageCorruptException("SP-GiST move between offsets " + a + " and " + b + " outside 1.."
                    + page.maxOffset());
        }
        long wa = page.u32(posA);
        page.put32(posA, page.u32(posB));
        page.put32(posB, wa);
    }
}
