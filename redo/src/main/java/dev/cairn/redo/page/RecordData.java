package dev.cairn.redo.page;

import java.nio.ByteBuffer;

/** Checked reads of a record's main data or block data (little-endian, as written on x86-64 and arm64). */
public final class RecordData {
    private RecordData() {
    }

    /** {@code data}, required to hold at least {@code length} bytes of the struct named {@code what}. */
    public static ByteBuffer atLeast(ByteBuffer data, int length, String what) {
        if (data.remaining() < length) {
            throw new PageCorruptException(what + " is " + data.remaining() + " bytes, shorter than its "
                    + length);
        }
        return data;
    }

    public static int u16(ByteBuffer b, int off) {
        return b.getShort(off) & 0xFFFF;
    }

    public static long u32(ByteBuffer b, int off) {
        return b.getInt(off) & 0xFFFFFFFFL;
    }

    /** {@code n} uint16 values (OffsetNumber arrays) starting at {@code off}. */
    public static int[] u16s(ByteBuffer b, int off, int n, String what) {
        if (off + 2L * n > b.remaining()) {
            throw new PageCorruptException(what + ": " + n + " offsets at data offset " + off + " run past the "
                    + b.remaining() + " bytes logged");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = u16(b, off + 2 * i);
        }
        return out;
    }
}
