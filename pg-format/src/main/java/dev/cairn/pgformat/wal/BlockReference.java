package dev.cairn.pgformat.wal;

import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.RelFileLocator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One block registered in a WAL record (XLogRecordBlockHeader and what follows).
 * Image and data bytes are views into the record's bytes, not copies.
 *
 * @param blockId      the block id within the record (0..32)
 * @param rel          relation storage the block belongs to
 * @param forkNumber   raw fork number (see {@link #fork()})
 * @param blockNumber  block number within the fork (unsigned 32-bit)
 * @param forkFlags    the raw fork_flags byte
 * @param imageInfo    bimg_info when the block has an image, else 0
 * @param imageStoredLength bytes of the (possibly compressed, hole-less) stored image
 * @param holeOffset   offset of the hole in the page (0 when none)
 * @param holeLength   length of the hole in the page (0 when none)
 */
public record BlockReference(int blockId, RelFileLocator rel, int forkNumber, long blockNumber, int forkFlags,
                             int imageInfo, int imageStoredLength, int holeOffset, int holeLength,
                             byte[] recordBytes, int imageOffset, int dataOffset, int dataLength) {

    public static final int BKPBLOCK_FORK_MASK = 0x0F;
    public static final int BKPBLOCK_HAS_IMAGE = 0x10;
    public static final int BKPBLOCK_HAS_DATA = 0x20;
    public static final int BKPBLOCK_WILL_INIT = 0x40;
    public static final int BKPBLOCK_SAME_REL = 0x80;

    public static final int BKPIMAGE_HAS_HOLE = 0x01;
    public static final int BKPIMAGE_APPLY = 0x02;
    public static final int BKPIMAGE_COMPRESS_PGLZ = 0x04;
    public static final int BKPIMAGE_COMPRESS_LZ4 = 0x08;
    public static final int BKPIMAGE_COMPRESS_ZSTD = 0x10;

    /** The fork, or null if the number is not a known fork. */
    public ForkNumber fork() {
        return ForkNumber.ofOrNull(forkNumber);
    }

    public boolean hasImage() {
        return (forkFlags & BKPBLOCK_HAS_IMAGE) != 0;
    }

    /** True if redo restores the image; false if it exists only for wal_consistency_checking. */
    public boolean applyImage() {
        return hasImage() && (imageInfo & BKPIMAGE_APPLY) != 0;
    }

    public boolean hasData() {
        return (forkFlags & BKPBLOCK_HAS_DATA) != 0;
    }

    /** The record re-initialises the page: its redo does not read the old contents. */
    public boolean willInit() {
        return (forkFlags & BKPBLOCK_WILL_INIT) != 0;
    }

    public ImageCompression imageCompression() {
        if ((imageInfo & BKPIMAGE_COMPRESS_PGLZ) != 0) {
            return ImageCompression.PGLZ;
        }
        if ((imageInfo & BKPIMAGE_COMPRESS_LZ4) != 0) {
            return ImageCompression.LZ4;
        }
        if ((imageInfo & BKPIMAGE_COMPRESS_ZSTD) != 0) {
            return ImageCompression.ZSTD;
        }
        return ImageCompression.NONE;
    }

    /** The stored image bytes (compressed and without the hole), as a read-only view. */
    public ByteBuffer storedImage() {
        if (!hasImage()) {
            throw new IllegalStateException("block " + blockId + " has no image");
        }
        return ByteBuffer.wrap(recordBytes, imageOffset, imageStoredLength).slice().asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The block's rmgr-specific data, as a read-only little-endian view (empty when none). */
    public ByteBuffer data() {
        return ByteBuffer.wrap(recordBytes, dataOffset, dataLength).slice().asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }
}
