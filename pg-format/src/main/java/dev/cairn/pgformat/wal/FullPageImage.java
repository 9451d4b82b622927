package dev.cairn.pgformat.wal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.wal.WalFormatException.Cause;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;

/** Restores the 8 KiB page carried as a block image (PostgreSQL's RestoreBlockImage). */
public final class FullPageImage {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    private FullPageImage() {
    }

    /**
     * @param lsn the record's LSN, for error messages
     * @return a new BLCKSZ-byte array with the page as it was when the image was taken
     */
    public static byte[] restore(Lsn lsn, BlockReference block) {
        if (!block.hasImage()) {
            throw new IllegalArgumentException("block " + block.blockId() + " of record " + lsn + " has no image");
        }
        int stored = PgConstants.BLCKSZ - block.holeLength();
        ByteBuffer image = block.storedImage();
        byte[] src = new byte[image.remaining()];
        image.get(src);
        byte[] bytes = switch (block.imageCompression()) {
            case NONE -> src;
            case PGLZ -> {
                byte[] out = new byte[stored];
                if (!Pglz.decompress(src, 0, src.length, out)) {
                    throw badImage(lsn, block, "pglz data is corrupt");
                }
                yield out;
            }
            case LZ4 -> {
                byte[] out = new byte[stored];
                try {
                    int n = LZ4.decompress(src, 0, src.length, out, 0, stored);
                    if (n != stored) {
                        throw badImage(lsn, block, "lz4 produced " + n + " bytes, expected " + stored);
                    }
                } catch (LZ4Exception e) {
                    throw badImage(lsn, block, "lz4 data is corrupt: " + e.getMessage());
                }
                yield out;
            }
            case ZSTD -> {
                byte[] out = new byte[stored];
                long n;
                try {
                    n = Zstd.decompressByteArray(out, 0, stored, src, 0, src.length);
                } catch (ZstdException e) {
                    throw badImage(lsn, block, "zstd data is corrupt: " + e.getMessage());
                }
                if (Zstd.isError(n)) {
                    throw badImage(lsn, block, "zstd data is corrupt: " + Zstd.getErrorName(n));
                }
                if (n != stored) {
                    throw badImage(lsn, block, "zstd produced " + n + " bytes, expected " + stored);
                }
                yield out;
            }
        };
        if (bytes.length != stored) {
            throw badImage(lsn, block, "image has " + bytes.length + " bytes, expected " + stored);
        }
        if (block.holeLength() == 0) {
            return bytes;
        }
        byte[] page = new byte[PgConstants.BLCKSZ];
        System.arraycopy(bytes, 0, page, 0, block.holeOffset());
        System.arraycopy(bytes, block.holeOffset(), page, block.holeOffset() + block.holeLength(),
                stored - block.holeOffset());
        return page;
    }

    private static WalFormatException badImage(Lsn lsn, BlockReference b, String why) {
        return new WalFormatException(lsn, Cause.BAD_IMAGE, "cannot restore image of block " + b.blockId()
                + " (rel " + b.rel() + " blk " + Long.toUnsignedString(b.blockNumber()) + "): " + why);
    }
}
