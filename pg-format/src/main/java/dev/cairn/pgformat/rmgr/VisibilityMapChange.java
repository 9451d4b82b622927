package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;

/**
 * Visibility-map bits of one heap block that a record sets or clears, with the
 * arithmetic of visibilitymap.c to locate them in the VM fork.
 *
 * @param op        whether the bits are cleared or set
 * @param rel       the heap relation
 * @param heapBlock the heap (main fork) block whose bits change
 * @param bits      {@link #ALL_VISIBLE} and/or {@link #ALL_FROZEN}
 */
public record VisibilityMapChange(Op op, RelFileLocator rel, long heapBlock, int bits) {
    public static final int ALL_VISIBLE = 0x01;
    public static final int ALL_FROZEN = 0x02;
    public static final int VALID_BITS = ALL_VISIBLE | ALL_FROZEN;

    /** Bytes of a VM page usable for the map: BLCKSZ minus the MAXALIGNed 24-byte page header. */
    public static final int MAPSIZE = PgConstants.BLCKSZ - (int) PgConstants.maxAlign(24);
    /** Two bits per heap block. */
    public static final int HEAPBLOCKS_PER_BYTE = 4;
    public static final long HEAPBLOCKS_PER_PAGE = (long) MAPSIZE * HEAPBLOCKS_PER_BYTE;

    public enum Op { CLEAR, SET }

    /** The VM fork block holding this heap block's bits. */
    public long vmBlock() {
        return heapBlock / HEAPBLOCKS_PER_PAGE;
    }

    /** Byte index of the bits within the VM page's map area (after the page header). */
    public int mapByte() {
        return (int) ((heapBlock % HEAPBLOCKS_PER_PAGE) / HEAPBLOCKS_PER_BYTE);
    }

    /** Left shift of this block's two bits within {@link #mapByte()}. */
    public int bitShift() {
        return (int) (heapBlock % HEAPBLOCKS_PER_BYTE) * 2;
    }
}
