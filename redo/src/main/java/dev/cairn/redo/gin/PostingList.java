package dev.cairn.redo.gin;

import dev.cairn.redo.page.PageCorruptException;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * GIN's compressed posting lists (ginpostinglist.c): the first item pointer in full, then each next one as the
 * varbyte-encoded delta of (block << 11 | offset); the byte count padded to an even size. Item pointers are
 * handled here as those 64-bit values, which sort as the item pointers do.
 */
final class PostingList {
    /** offsetof(GinPostingList, bytes): the first item pointer and the byte count. */
    static final int HEADER_SIZE = 8;
    private static final int OFFSET_BITS = 11;

    private PostingList() {
    }

    /** SizeOfGinPostingList of the segment starting at {@code at}. */
    static int sizeAt(byte[] b, int at) {
        return HEADER_SIZE + shortAlign(u16(b, at + 6));
    }

    /** The item pointer (block, offset) read from its six bytes at {@code at}, as a 64-bit value. */
    static long itemAt(byte[] b, int at) {
        long block = ((long) u16(b, at) << 16) | u16(b, at + 2);
        return (block << OFFSET_BITS) | u16(b, at + 4);
    }

    /** ginPostingListDecode of the segment at {@code at}. */
    static long[] decode(byte[] b, int at) {
        int nbytes = u16(b, at + 6);
        if (at + HEADER_SIZE + nbytes > b.length) {
            throw new PageCorruptException("GIN posting list of " + nbytes + " bytes runs past its page");
        }
        long[] out = new long[Math.max(4, nbytes + 1)];
        int n = 0;
        long val = itemAt(b, at);
        out[n++] = val;
        int p = at + HEADER_SIZE;
        int end = p + nbytes;
        while (p < end) {
            long delta = 0;
            int shift = 0;
            while (true) {
                if (p >= end) {
                    throw new PageCorruptException("GIN posting list varbyte cut off at its end");
                }
                int c = b[p++] & 0xFF;
                if (shift == 42) {
                    delta |= (long) c << shift;
                    break;
                }
                delta |= (long) (c & 0x7F) << shift;
                if ((c & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            val += delta;
            out[n++] = val;
        }
        return Arrays.copyOf(out, n);
    }

    /** ginCompressPostingList of all of {@code items} (ascending), which redo always packs whole. */
    static byte[] encode(long[] items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 1; i < items.length; i++) {
            long delta = items[i] - items[i - 1];
            if (delta <= 0) {
                throw new PageCorruptException("GIN posting list items out of order");
            }
            while (delta > 0x7F) {
                bytes.write((int) (0x80 | (delta & 0x7F)));
                delta >>>= 7;
            }
            bytes.write((int) delta);
        }
        int nbytes = bytes.size();
        byte[] out = new byte[HEADER_SIZE + shortAlign(nbytes)];
        long first = items[0];
        long block = first >>> OFFSET_BITS;
        put16(out, 0, (int) (block >>> 16));
        put16(out, 2, (int) (block & 0xFFFF));
        put16(out, 4, (int) (first & ((1 << OFFSET_BITS) - 1)));
        put16(out, 6, nbytes);
        System.arraycopy(bytes.toByteArray(), 0, out, HEADER_SIZE, nbytes);
        return out;
    }

    /** ginMergeItemPointers: the union of two ascending lists, ascending, each item once. */
    static long[] merge(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) {
                out[n++] = a[i++];
            } else if (a[i] > b[j]) {
                out[n++] = b[j++];
            } else {
                out[n++] = a[i++];
                j++;
            }
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return Arrays.copyOf(out, n);
    }

    static int shortAlign(int n) {
        return (n + 1) & ~1;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }
}
