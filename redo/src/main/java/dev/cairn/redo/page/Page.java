package dev.cairn.redo.page;

import dev.cairn.common.Lsn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PostgreSQL 15 slotted page (bufpage.h), mutable, over an 8 KB array: the header, the line pointer array,
 * and the placement routines redo shares across resource managers (bufpage.c: PageInit, PageAddItemExtended,
 * PageRepairFragmentation, PageTruncateLinePointerArray, PageIndexTupleDelete, PageIndexMultiDelete,
 * PageIndexTupleDeleteNoCompact, PageIndexTupleOverwrite). They move bytes exactly as PostgreSQL does, so
 * a redone page equals PostgreSQL's own after masking; inconsistent input is a {@link PageCorruptException}.
 *
 * <p>Offsets are 1-based (OffsetNumber), as in PostgreSQL.
 */
public final class Page {
    public static final int SIZE = 8192;
    public static final int HEADER_SIZE = 24;
    public static final int ITEM_ID_SIZE = 4;
    public static final int PD_HAS_FREE_LINES = 0x0001;
    public static final int PD_PAGE_FULL = 0x0002;
    public static final int PD_ALL_VISIBLE = 0x0004;
    public static final int LP_UNUSED = 0;
    public static final int LP_NORMAL = 1;
    public static final int LP_REDIRECT = 2;
    public static final int LP_DEAD = 3;
    private static final int LAYOUT_VERSION = 4;
    private static final int OFF_LSN = 0;
    private static final int OFF_CHECKSUM = 8;
    private static final int OFF_FLAGS = 10;
    private static final int OFF_LOWER = 12;
    private static final int OFF_UPPER = 14;
    private static final int OFF_SPECIAL = 16;
    private static final int OFF_SIZE_VERSION = 18;
    private static final int OFF_PRUNE_XID = 20;

    private final byte[] b;

    private Page(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a page is " + SIZE + " bytes, not " + bytes.length);
        }
        this.b = bytes;
    }

    /** A view over {@code bytes}: changes write through. */
    public static Page wrap(byte[] bytes) {
        return new Page(bytes);
    }

    /** An all-zero page (PageIsNew), as a relation extension leaves it. */
    public static Page zeroed() {
        return new Page(new byte[SIZE]);
    }

    public byte[] bytes() {
        return b;
    }

    public Page copy() {
        return new Page(b.clone());
    }

    public static int maxAlign(int n) {
        return (n + 7) & ~7;
    }

    // ------------------------------------------------------------------ little-endian access

    public int u8(int off) {
        return b[off] & 0xFF;
    }

    public int u16(int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public int i32(int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public long u32(int off) {
        return i32(off) & 0xFFFFFFFFL;
    }

    public void put8(int off, int v) {
        b[off] = (byte) v;
    }

    public void put16(int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    /** Sets ({@code on}) or clears {@code bits} in the 16-bit field at {@code off} (a special space's flags). */
    public void setBits16(int off, int bits, boolean on) {
        put16(off, on ? u16(off) | bits : u16(off) & ~bits);
    }

    public void put32(int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public void copyIn(int off, byte[] src, int srcOff, int len) {
        System.arraycopy(src, srcOff, b, off, len);
    }

    public byte[] slice(int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }

    public void fill(int off, int len, int value) {
        Arrays.fill(b, off, off + len, (byte) value);
    }

    // ------------------------------------------------------------------ header

    /** pd_lsn: xlogid (high word) then xrecoff, each a little-endian uint32. */
    public Lsn lsn() {
        return Lsn.of(u32(OFF_LSN) << 32 | u32(OFF_LSN + 4));
    }

    public void setLsn(Lsn lsn) {
        put32(OFF_LSN, lsn.value() >>> 32);
        put32(OFF_LSN + 4, lsn.value());
    }

    public int checksum() {
        return u16(OFF_CHECKSUM);
    }

    public void setChecksum(int v) {
        put16(OFF_CHECKSUM, v);
    }

    public int flags() {
        return u16(OFF_FLAGS);
    }

    public void setFlags(int v) {
        put16(OFF_FLAGS, v);
    }

    public boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }

    public void setFlag(int flag, boolean on) {
        setFlags(on ? flags() | flag : flags() & ~flag);
    }

    public int lower() {
        return u16(OFF_LOWER);
    }

    public void setLower(int v) {
        put16(OFF_LOWER, v);
    }

    public int upper() {
        return u16(OFF_UPPER);
    }

    public void setUpper(int v) {
        put16(OFF_UPPER, v);
    }

    public int special() {
        return u16(OFF_SPECIAL);
    }

    public long pruneXid() {
        return u32(OFF_PRUNE_XID);
    }

    public void setPruneXid(long xid) {
        put32(OFF_PRUNE_XID, xid);
    }

    /** PageIsNew: never initialised (pd_upper is 0). */
    public boolean isNew() {
        return upper() == 0;
    }

    /** PageInit: zero everything, empty line pointer array, a MAXALIGNed special space at the end. */
    public void init(int specialSize) {
        int special = maxAlign(specialSize);
        Arrays.fill(b, (byte) 0);
        setLower(HEADER_SIZE);
        setUpper(SIZE - special);
        put16(OFF_SPECIAL, SIZE - special);
        put16(OFF_SIZE_VERSION, SIZE | LAYOUT_VERSION);
    }

    /**
     * PageGetTempPageCopySpecial: a new, empty page with this page's special space (same size, same bytes);
     * a rebuilt page is assembled on it and then copied back whole with {@link #restoreTempPage}.
     */
    public Page tempCopySpecial() {
        int special = special();
        if (special < HEADER_SIZE || special > SIZE) {
            throw new PageCorruptException("corrupted page pointers: special = " + special);
        }
        int specialSize = SIZE - special;
        Page temp = Page.zeroed();
        temp.init(specialSize);
        System.arraycopy(b, special, temp.b, temp.special(), specialSize);
        return temp;
    }

    /** PageRestoreTempPage: this page becomes a byte copy of {@code temp}, header included. */
    public void restoreTempPage(Page temp) {
        System.arraycopy(temp.b, 0, b, 0, SIZE);
    }

    /** Offset of the special space. */
    public int specialOffset() {
        return special();
    }

    public int specialSize() {
        return SIZE - special();
    }

    /** PageSetPrunable: remember the oldest xid that may leave something to prune. */
    public void setPrunable(long xid) {
        long current = pruneXid();
        if (current == 0 || Xid.precedes(xid, current)) {
            setPruneXid(xid);
        }
    }

    // ------------------------------------------------------------------ line pointers

    /** PageGetMaxOffsetNumber. */
    public int maxOffset() {
        int lower = lower();
        return lower <= HEADER_SIZE ? 0 : (lower - HEADER_SIZE) / ITEM_ID_SIZE;
    }

    private static int itemIdPos(int offnum) {
        return HEADER_SIZE + (offnum - 1) * ITEM_ID_SIZE;
    }

    private int itemIdWord(int offnum) {
        return i32(itemIdPos(offnum));
    }

    public int itemOffset(int offnum) {
        return itemIdWord(offnum) & 0x7FFF;
    }

    public int itemFlags(int offnum) {
        return (itemIdWord(offnum) >>> 15) & 0x3;
    }

    public int itemLength(int offnum) {
        return (itemIdWord(offnum) >>> 17) & 0x7FFF;
    }

    public boolean itemIsUsed(int offnum) {
        return itemFlags(offnum) != LP_UNUSED;
    }

    public boolean itemIsNormal(int offnum) {
        return itemFlags(offnum) == LP_NORMAL;
    }

    public boolean itemIsDead(int offnum) {
        return itemFlags(offnum) == LP_DEAD;
    }

    public boolean itemHasStorage(int offnum) {
        return itemLength(offnum) != 0;
    }

    public void setItemId(int offnum, int offset, int flags, int length) {
        put32(itemIdPos(offnum), (offset & 0x7FFF) | (flags & 0x3) << 15 | (length & 0x7FFF) << 17);
    }

    public void setItemUnused(int offnum) {
        setItemId(offnum, 0, LP_UNUSED, 0);
    }

    public void setItemDead(int offnum) {
        setItemId(offnum, 0, LP_DEAD, 0);
    }

    /** ItemIdMarkDead: LP_DEAD, keeping the storage (index hint). */
    public void markItemDead(int offnum) {
        setItemId(offnum, itemOffset(offnum), LP_DEAD, itemLength(offnum));
    }

    public void setItemRedirect(int offnum, int target) {
        setItemId(offnum, target, LP_REDIRECT, 0);
    }

    /**
     * The byte offset of a line pointer's item, checked to lie inside the tuple space: a line pointer from a
     * record that points elsewhere is corruption, not a page to scribble on.
     */
    public int itemStart(int offnum) {
        if (offnum < 1 || offnum > maxOffset()) {
            throw new PageCorruptException("offset " + offnum + " is beyond the line pointer array (" + maxOffset()
                    + " items)");
        }
        int off = itemOffset(offnum);
        int len = itemLength(offnum);
        if (len == 0 || off < upper() || off + len > special()) {
            throw new PageCorruptException("line pointer " + offnum + " (offset " + off + ", length " + len
                    + ", flags " + itemFlags(offnum) + ") has no item inside the tuple space");
        }
        return off;
    }

    /** The item at a normal line pointer, checked. */
    public int normalItemStart(int offnum) {
        int off = itemStart(offnum);
        if (!itemIsNormal(offnum)) {
            throw new PageCorruptException("line pointer " + offnum + " is not a normal item (flags "
                    + itemFlags(offnum) + ")");
        }
        return off;
    }

    /** PageGetExactFreeSpace. */
    public int exactFreeSpace() {
        return Math.max(0, upper() - lower());
    }

    /** PageGetFreeSpace: room for one more item, its line pointer included. */
    public int freeSpace() {
        int space = upper() - lower();
        return space < ITEM_ID_SIZE ? 0 : space - ITEM_ID_SIZE;
    }

    /**
     * PageGetHeapFreeSpace: {@link #freeSpace()}, but none when the page already has MaxHeapTuplesPerPage line
     * pointers and no unused one among them (the PD_HAS_FREE_LINES hint is believed when clear, checked when set).
     */
    public int heapFreeSpace() {
        int space = freeSpace();
        int nline = maxOffset();
        if (space > 0 && nline >= HeapLimits.MAX_TUPLES_PER_PAGE) {
            boolean freeLine = false;
            if (hasFlag(PD_HAS_FREE_LINES)) {
                for (int i = 1; i <= nline && !freeLine; i++) {
                    freeLine = !itemIsUsed(i);
                }
            }
            if (!freeLine) {
                space = 0;
            }
        }
        return space;
    }

    private void checkPointers(boolean requireAlignedSpecial) {
        int lower = lower();
        int upper = upper();
        int special = special();
        if (lower < HEADER_SIZE || lower > upper || upper > special || special > SIZE
                || (requireAlignedSpecial && special != maxAlign(special))) {
            throw new PageCorruptException("corrupted page pointers: lower = " + lower + ", upper = " + upper
                    + ", special = " + special);
        }
    }

    // ------------------------------------------------------------------ placement (bufpage.c)

    /**
     * PageAddItemExtended with a given offset number: {@code overwrite} (PAI_OVERWRITE) fills an unused line
     * pointer in place, otherwise later line pointers shift up; {@code isHeap} caps the offset at
     * MaxHeapTuplesPerPage. Copies {@code len} bytes and reserves MAXALIGN(len).
     *
     * @return the offset used; redo requires it to be the one it asked for, so failure is an exception
     */
    public int addItem(byte[] item, int len, int offnum, boolean overwrite, boolean isHeap) {
        checkPointers(false);
        int limit = maxOffset() + 1;
        boolean shuffle = false;
        if (offnum < 1) {
            throw new PageCorruptException("redo places items at a given offset, not " + offnum);
        }
        if (overwrite) {
            if (offnum < limit && (itemIsUsed(offnum) || itemHasStorage(offnum))) {
                throw new PageCorruptException("will not overwrite used line pointer " + offnum);
            }
        } else if (offnum < limit) {
            shuffle = true;
        }
        if (offnum > limit) {
            throw new PageCorruptException("item offset " + offnum + " is too large (" + (limit - 1) + " items)");
        }
        if (isHeap && offnum > HeapLimits.MAX_TUPLES_PER_PAGE) {
            throw new PageCorruptException("cannot put more than " + HeapLimits.MAX_TUPLES_PER_PAGE
                    + " items on a heap page (offset " + offnum + ")");
        }
        int lower = offnum == limit || shuffle ? lower() + ITEM_ID_SIZE : lower();
        int upper = upper() - maxAlign(len);
        if (lower > upper) {
            throw new PageFullException("no room for an item of " + len + " bytes at offset " + offnum
                    + " (free " + exactFreeSpace() + ")");
        }
        if (shuffle) {
            System.arraycopy(b, itemIdPos(offnum), b, itemIdPos(offnum + 1), (limit - offnum) * ITEM_ID_SIZE);
        }
        setItemId(offnum, upper, LP_NORMAL, len);
        System.arraycopy(item, 0, b, upper, len);
        setLower(lower);
        setUpper(upper);
        return offnum;
    }

    /** An item to keep when compacting: its line pointer index (0-based), where it is, and its aligned size. */
    private record Compact(int index, int itemOff, int alignedLen) {
    }

    /**
     * compactify_tuples: pack the items, in the order given, downwards from the special space. The result does
     * not depend on which of PostgreSQL's copy strategies runs, only on the order.
     */
    private void compactify(List<Compact> items) {
        byte[] scratch = b.clone();
        int upper = special();
        for (Compact c : items) {
            upper -= c.alignedLen();
            System.arraycopy(scratch, c.itemOff(), b, upper, c.alignedLen());
            int pos = HEADER_SIZE + c.index() * ITEM_ID_SIZE;
            int word = i32(pos);
            put32(pos, (word & ~0x7FFF) | upper);
        }
        setUpper(upper);
    }

    /**
     * PageRepairFragmentation: defragment the tuple space, clear unused line pointers' remains, drop trailing
     * unused line pointers and set PD_HAS_FREE_LINES when unused ones remain.
     */
    public void repairFragmentation() {
        checkPointers(true);
        int nline = maxOffset();
        List<Compact> items = new ArrayList<>();
        int nunused = 0;
        int totalLen = 0;
        int finalUsed = 0;
        for (int i = 1; i <= nline; i++) {
            if (itemIsUsed(i)) {
                if (itemHasStorage(i)) {
                    int off = itemOffset(i);
                    if (off < upper() || off >= special()) {
                        throw new PageCorruptException("corrupted line pointer: " + off);
                    }
                    int aligned = maxAlign(itemLength(i));
                    items.add(new Compact(i - 1, off, aligned));
                    totalLen += aligned;
                }
                finalUsed = i;
            } else {
                setItemUnused(i);
                nunused++;
            }
        }
        if (items.isEmpty()) {
            setUpper(special());
        } else {
            if (totalLen > special() - lower()) {
                throw new PageCorruptException("corrupted item lengths: total " + totalLen + ", available space "
                        + (special() - lower()));
            }
            compactify(items);
        }
        if (finalUsed != nline) {
            int unusedAtEnd = nline - finalUsed;
            nunused -= unusedAtEnd;
            setLower(lower() - ITEM_ID_SIZE * unusedAtEnd);
        }
        setFlag(PD_HAS_FREE_LINES, nunused > 0);
    }

    /**
     * PageTruncateLinePointerArray (heap): drop trailing unused line pointers, but never the first one, and
     * set PD_HAS_FREE_LINES when unused ones remain before them.
     */
    public void truncateLinePointerArray() {
        boolean countDone = false;
        boolean setHint = false;
        int unusedAtEnd = 0;
        for (int i = maxOffset(); i >= 1; i--) {
            if (!countDone && i > 1) {
                if (!itemIsUsed(i)) {
                    unusedAtEnd++;
                } else {
                    countDone = true;
                }
            } else if (!itemIsUsed(i)) {
                setHint = true;
                break;
            }
        }
        if (unusedAtEnd > 0) {
            setLower(lower() - ITEM_ID_SIZE * unusedAtEnd);
        }
        setFlag(PD_HAS_FREE_LINES, setHint);
    }

    private int checkedIndexItem(int offnum) {
        checkPointers(true);
        int nline = maxOffset();
        if (offnum <= 0 || offnum > nline) {
            throw new PageCorruptException("invalid index offnum: " + offnum);
        }
        int size = itemLength(offnum);
        int offset = itemOffset(offnum);
        if (offset < upper() || offset + size > special() || offset != maxAlign(offset)) {
            throw new PageCorruptException("corrupted line pointer: offset = " + offset + ", size = " + size);
        }
        return offset;
    }

    /** Close the gap of {@code size} bytes at {@code offset}: tuples below move up, their pointers follow. */
    private void closeGap(int offset, int size, int nline, boolean onlyWithStorage) {
        int upper = upper();
        if (offset > upper) {
            System.arraycopy(b, upper, b, upper + size, offset - upper);
        }
        setUpper(upper + size);
        if (!isEmpty()) {
            for (int i = 1; i <= nline; i++) {
                if ((!onlyWithStorage || itemHasStorage(i)) && itemOffset(i) <= offset) {
                    int pos = itemIdPos(i);
                    int word = i32(pos);
                    put32(pos, (word & ~0x7FFF) | ((word & 0x7FFF) + size));
                }
            }
        }
    }

    /** PageIsEmpty: no line pointers. */
    public boolean isEmpty() {
        return lower() <= HEADER_SIZE;
    }

    /** PageIndexTupleDelete: remove an index tuple and its line pointer, closing both gaps. */
    public void indexTupleDelete(int offnum) {
        int offset = checkedIndexItem(offnum);
        int size = maxAlign(itemLength(offnum));
        int nline = maxOffset();
        int nbytes = lower() - (itemIdPos(offnum) + ITEM_ID_SIZE);
        if (nbytes > 0) {
            System.arraycopy(b, itemIdPos(offnum) + ITEM_ID_SIZE, b, itemIdPos(offnum), nbytes);
        }
        setLower(lower() - ITEM_ID_SIZE);
        closeGap(offset, size, nline - 1, false);
    }

    /** PageIndexMultiDelete: remove the index tuples at the given (ascending) offsets and compact. */
    public void indexMultiDelete(int[] offnums) {
        if (offnums.length <= 2) {
            for (int i = offnums.length - 1; i >= 0; i--) {
                indexTupleDelete(offnums[i]);
            }
            return;
        }
        checkPointers(true);
        int nline = maxOffset();
        List<Compact> kept = new ArrayList<>();
        List<Integer> keptWords = new ArrayList<>();
        int next = 0;
        int totalLen = 0;
        for (int off = 1; off <= nline; off++) {
            int size = itemLength(off);
            int offset = itemOffset(off);
            if (offset < upper() || offset + size > special() || offset != maxAlign(offset)) {
                throw new PageCorruptException("corrupted line pointer: offset = " + offset + ", size = " + size);
            }
            if (next < offnums.length && off == offnums[next]) {
                next++;
            } else {
                kept.add(new Compact(kept.size(), offset, maxAlign(size)));
                keptWords.add(itemIdWord(off));
                totalLen += maxAlign(size);
            }
        }
        if (next != offnums.length) {
            throw new PageCorruptException("incorrect index offsets supplied: " + Arrays.toString(offnums));
        }
        if (totalLen > special() - lower()) {
            throw new PageCorruptException("corrupted item lengths: total " + totalLen + ", available space "
                    + (special() - lower()));
        }
        for (int i = 0; i < keptWords.size(); i++) {
            put32(HEADER_SIZE + i * ITEM_ID_SIZE, keptWords.get(i));
        }
        setLower(HEADER_SIZE + kept.size() * ITEM_ID_SIZE);
        if (kept.isEmpty()) {
            setUpper(special());
        } else {
            compactify(kept);
        }
    }

    /** PageIndexTupleDeleteNoCompact: remove the tuple, leave an unused line pointer unless it was the last. */
    public void indexTupleDeleteNoCompact(int offnum) {
        int offset = checkedIndexItem(offnum);
        int size = maxAlign(itemLength(offnum));
        int nline = maxOffset();
        if (offnum < nline) {
            setItemUnused(offnum);
        } else {
            setLower(lower() - ITEM_ID_SIZE);
            nline--;
        }
        closeGap(offset, size, nline, true);
    }

    /** PageIndexTupleOverwrite: replace an index tuple in place, keeping its line pointer's position. */
    public void indexTupleOverwrite(int offnum, byte[] item, int len) {
        int offset = checkedIndexItem(offnum);
        int itemCount = maxOffset();
        int oldSize = maxAlign(itemLength(offnum));
        int newSize = maxAlign(len);
        if (newSize > oldSize + (upper() - lower())) {
            throw new PageFullException("no room to overwrite item " + offnum + " with " + len + " bytes");
        }
        int diff = oldSize - newSize;
        if (diff != 0) {
            int upper = upper();
            System.arraycopy(b, upper, b, upper + diff, offset - upper);
            setUpper(upper + diff);
            for (int i = 1; i <= itemCount; i++) {
                if (itemHasStorage(i) && itemOffset(i) <= offset) {
                    int pos = itemIdPos(i);
                    int word = i32(pos);
                    put32(pos, (word & ~0x7FFF) | ((word & 0x7FFF) + diff));
                }
            }
        }
        setItemId(offnum, offset + diff, itemFlags(offnum), len);
        System.arraycopy(item, 0, b, offset + diff, len);
    }
}
