package dev.cairn.redo.btree;

import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * A private, mutable copy of an index tuple (itup.h IndexTupleData: t_tid, then t_info with the size in its low
 * 13 bits) with nbtree's reading of t_tid (nbtree.h): a plain tuple's heap TID, a pivot's downlink and
 * attribute count, or a posting list tuple's TID count and posting list offset.
 */
final class IndexTuple {
    /** sizeof(IndexTupleData). */
    static final int HEADER_SIZE = IndexTupleData.HEADER_SIZE;
    /** sizeof(ItemPointerData). */
    static final int TID_SIZE = ItemPointer.SIZE;
    /** INDEX_ALT_TID_MASK (INDEX_AM_RESERVED_BIT): t_tid is not a plain heap TID. */
    static final int ALT_TID = 0x2000;
    static final int BT_OFFSET_MASK = 0x0FFF;
    static final int BT_IS_POSTING = 0x2000;
    private static final int TID_BLOCK_HI = 0;
    private static final int TID_BLOCK_LO = 2;
    private static final int TID_OFFSET = 4;
    private static final int INFO = 6;

    private final byte[] b;

    private IndexTuple(byte[] b) {
        this.b = b;
    }

    /** The tuple in {@code bytes} (not copied); its size must fit them. */
    static IndexTuple wrap(byte[] bytes) {
        IndexTuple t = new IndexTuple(bytes);
        if (bytes.length < HEADER_SIZE || t.size() < HEADER_SIZE || t.size() > bytes.length) {
            throw new PageCorruptException("index tuple size " + (bytes.length < HEADER_SIZE ? -1 : t.size())
                    + " does not fit its " + bytes.length + " bytes");
        }
        return t;
    }

    /** A zeroed tuple of {@code length} bytes (palloc0), for a tuple being formed. */
    static IndexTuple zeroed(int length) {
        return new IndexTuple(new byte[length]);
    }

    /**
     * A copy of the item at {@code offnum}: IndexTupleSize bytes (CopyIndexTuple), checked to lie inside the
     * page's tuple space.
     */
    static IndexTuple read(Page page, int offnum) {
        int at = page.itemStart(offnum);
        int size = IndexTupleData.sizeOf(page.u16(at + INFO));
        if (size < HEADER_SIZE || at + size > page.special()) {
            throw new PageCorruptException("index tuple at offset " + offnum + " (page offset " + at + ") has size "
                    + size + ", beyond its page's tuple space (special " + page.special() + ")");
        }
        return new IndexTuple(page.slice(at, size));
    }

    /** The item at {@code offnum} as its line pointer delimits it (lp_len bytes), as a split copies it. */
    static byte[] itemBytes(Page page, int offnum) {
        return page.slice(page.itemStart(offnum), page.itemLength(offnum));
    }

    /**
     * A copy of the tuple at {@code pos} in record data, {@code length} bytes of it; its header must fit and
     * its size must not exceed them.
     */
    static IndexTuple fromData(ByteBuffer data, int pos, int length, String what) {
        if (length < HEADER_SIZE || pos + length > data.remaining()) {
            throw new PageCorruptException(what + ": " + length + " bytes at data offset " + pos + " of "
                    + data.remaining() + " are not an index tuple");
        }
        byte[] b = new byte[length];
        data.get(pos, b);
        IndexTuple t = new IndexTuple(b);
        if (t.size() < HEADER_SIZE || t.size() > length) {
            throw new PageCorruptException(what + ": index tuple size " + t.size() + " at data offset " + pos
                    + " does not fit the " + length + " bytes it was logged in");
        }
        return t;
    }

    /**
     * The dummy high key of a half-dead leaf page (BTreeTupleSetTopParent on a zeroed IndexTupleData): a pivot
     * with no attributes whose t_tid block is the top parent of the subtree being deleted.
     */
    static IndexTuple topParentHighKey(long topParent) {
        IndexTuple t = zeroed(HEADER_SIZE);
        t.setInfo(HEADER_SIZE);
        t.setTidBlock(topParent);
        t.setInfo(t.info() | ALT_TID);
        t.setTidOffset(0);
        return t;
    }

    byte[] bytes() {
        return b;
    }

    int info() {
        return u16(INFO);
    }

    void setInfo(int info) {
        put16(INFO, info);
    }

    /** IndexTupleSize. */
    int size() {
        return IndexTupleData.sizeOf(info());
    }

    /** Replaces the size bits of t_info. */
    void setSize(int size) {
        setInfo((info() & ~IndexTupleData.SIZE_MASK) | size);
    }

    long tidBlock() {
        return (long) u16(TID_BLOCK_HI) << 16 | u16(TID_BLOCK_LO);
    }

    void setTidBlock(long blkno) {
        put16(TID_BLOCK_HI, (int) (blkno >>> 16));
        put16(TID_BLOCK_LO, (int) blkno);
    }

    int tidOffset() {
        return u16(TID_OFFSET);
    }

    void setTidOffset(int offset) {
        put16(TID_OFFSET, offset);
    }

    boolean isPivot() {
        return (info() & ALT_TID) != 0 && (tidOffset() & BT_IS_POSTING) == 0;
    }

    boolean isPosting() {
        return (info() & ALT_TID) != 0 && (tidOffset() & BT_IS_POSTING) != 0;
    }

    /** BTreeTupleGetNPosting. */
    int nPosting() {
        return tidOffset() & BT_OFFSET_MASK;
    }

    /** BTreeTupleGetPostingOffset: where the posting list starts. */
    int postingOffset() {
        return (int) tidBlock();
    }

    /** BTreeTupleSetPosting: flags a posting list of {@code nhtids} TIDs starting at {@code postingOffset}. */
    void setPosting(int nhtids, int postingOffset) {
        setInfo(info() | ALT_TID);
        setTidOffset(nhtids | BT_IS_POSTING);
        setTidBlock(postingOffset);
    }

    /**
     * The position of posting list TID {@code n} in this tuple's bytes, checked: a posting list tuple whose
     * list runs past its size is corruption.
     */
    int postingTid(int n) {
        int pos = postingOffset() + n * TID_SIZE;
        if (!isPosting() || postingOffset() < HEADER_SIZE || pos + TID_SIZE > size() || pos + TID_SIZE > b.length) {
            throw new PageCorruptException("posting list TID " + n + " at tuple offset " + pos
                    + " is not inside a posting list tuple of size " + size() + " (posting offset "
                    + postingOffset() + ", " + nPosting() + " TIDs)");
        }
        return pos;
    }

    /** Copies t_tid (6 bytes) to {@code dst} at {@code at}. */
    void copyTidTo(byte[] dst, int at) {
        System.arraycopy(b, 0, dst, at, TID_SIZE);
    }

    /** Sets t_tid from the 6 bytes of {@code src} at {@code at}. */
    void setTid(byte[] src, int at) {
        System.arraycopy(src, at, b, 0, TID_SIZE);
    }

    private int u16(int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private void put16(int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
