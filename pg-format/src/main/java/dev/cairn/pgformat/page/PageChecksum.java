package dev.cairn.pgformat.page;

import dev.cairn.pgformat.PgConstants;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * PostgreSQL's data page checksum (storage/checksum_impl.h): 32 interleaved
 * FNV-1a-like lanes over the page read as little-endian u32 words (with
 * pd_checksum taken as zero), two extra rounds of zeros, xor-folded, mixed
 * with the block number and reduced to 1..65535.
 *
 * <p>The block number is the page's number within the whole relation fork,
 * not within its 1 GiB segment file.
 */
public final class PageChecksum {
    private PageChecksum() {
    }

    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    /** Index of the u32 word that holds pd_checksum (bytes 8..11: pd_checksum then pd_flags). */
    private static final int CHECKSUM_WORD = PageHeader.CHECKSUM_OFFSET / 4;

    /** Starting values of the lanes; arbitrary constants fixed by PostgreSQL's on-disk format. */
    private static final int[] BASE_OFFSETS = {
            0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A,
            0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
            0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA,
            0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
            0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE,
            0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
            0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E,
            0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
    };

    /** The checksum of the page at the start of {@code page}; the stored pd_checksum does not take part. */
    public static int compute(byte[] page, long blockNumber) {
        return compute(ByteBuffer.wrap(page), 0, blockNumber);
    }

    /** The checksum of the BLCKSZ-byte page at absolute {@code offset} in {@code buf}. */
    public static int compute(ByteBuffer buf, int offset, long blockNumber) {
        if (offset < 0 || buf.limit() - offset < PgConstants.BLCKSZ) {
            throw new IllegalArgumentException("a page needs " + PgConstants.BLCKSZ + " bytes at offset " + offset
                    + ", buffer limit is " + buf.limit());
        }
        if (blockNumber < 0 || blockNumber > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("block number out of u32 range: " + blockNumber);
        }
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] sums = BASE_OFFSETS.clone();
        int words = PgConstants.BLCKSZ / 4;
        for (int w = 0; w < words; w++) {
            int value = b.getInt(offset + w * 4);
            if (w == CHECKSUM_WORD) {
                value &= 0xFFFF_0000; // pd_checksum is the low half of this little-endian word
            }
            int lane = w % N_SUMS;
            sums[lane] = mix(sums[lane], value);
        }
        for (int round = 0; round < 2; round++) {
            for (int lane = 0; lane < N_SUMS; lane++) {
                sums[lane] = mix(sums[lane], 0);
            }
        }
        int folded = 0;
        for (int s : sums) {
            folded ^= s;
        }
        long checksum = Integer.toUnsignedLong(folded ^ (int) blockNumber);
        return (int) (checksum % 65535) + 1;
    }

    /** Computes the checksum and stores it in the page's pd_checksum. */
    public static int stamp(byte[] page, long blockNumber) {
        int checksum = compute(page, blockNumber);
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putShort(PageHeader.CHECKSUM_OFFSET, (short) checksum);
        return checksum;
    }

    /** True if the page's stored pd_checksum matches its content; new (all-zero header) pages have none. */
    public static boolean verify(byte[] page, long blockNumber) {
        PageHeader header = PageHeader.read(page);
        return header.isNew() || header.checksum() == compute(page, blockNumber);
    }

    private static int mix(int sum, int value) {
        int tmp = sum ^ value;
        return tmp * FNV_PRIME ^ (tmp >>> 17);
    }
}
