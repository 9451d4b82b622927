package dev.cairn.pgformat.wal;

/**
 * Decompressor for PostgreSQL's own LZ format (pg_lzcompress.c), used by
 * wal_compression=pglz. A control byte's bits, low first, say whether each of
 * the next eight items is a literal byte (0) or a back reference (1): two
 * bytes holding length-3 in the low nibble of the first and a 12-bit offset,
 * with one extra length byte when the nibble is 15.
 */
public final class Pglz {
    private Pglz() {
    }

    /**
     * Decompresses {@code src[srcOff, srcOff+srcLen)} into exactly {@code dst.length} bytes.
     *
     * @return false when the input is corrupt or does not produce exactly dst.length bytes
     */
    public static boolean decompress(byte[] src, int srcOff, int srcLen, byte[] dst) {
        int sp = srcOff;
        int srcEnd = srcOff + srcLen;
        int dp = 0;
        int dstEnd = dst.length;
        while (sp < srcEnd && dp < dstEnd) {
            int ctrl = src[sp++] & 0xFF;
            for (int bit = 0; bit < 8 && sp < srcEnd && dp < dstEnd; bit++, ctrl >>= 1) {
                if ((ctrl & 1) == 0) {
                    dst[dp++] = src[sp++];
                    continue;
                }
                if (sp + 1 >= srcEnd) {
                    return false;
                }
                int len = (src[sp] & 0x0F) + 3;
                int off = ((src[sp] & 0xF0) << 4) | (src[sp + 1] & 0xFF);
                sp += 2;
                if (len == 18) {
                    if (sp >= srcEnd) {
                        return false;
                    }
                    len += src[sp++] & 0xFF;
                }
                if (off == 0 || off > dp) {
                    return false;
                }
                len = Math.min(len, dstEnd - dp);
                // Byte by byte: the source may overlap the bytes being written (run-length style copies).
                for (int i = 0; i < len; i++, dp++) {
                    dst[dp] = dst[dp - off];
                }
            }
        }
        return dp == dstEnd && sp == srcEnd;
    }
}
