package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.XLogRecordHeader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a page key stores at an LSN: an image (the whole 8 KB page, as every value was before deltas) or a
 * delta, the WAL record to redo on the previous version (Neon's image and delta layers, in one key space so
 * that one backward scan from GetPage's LSN finds the newest image and the deltas after it).
 *
 * <p>A delta keeps what redo reads of the record: its header fields, every block reference without images
 * (redo of one block may read another's number) and the main data. An image is exactly 8192 bytes; a delta
 * never is (it starts with a tag and is padded by one byte should it come out that long).
 */
public sealed interface PageVersion {
    int PAGE_SIZE = 8192;

    record Image(byte[] page) implements PageVersion {
    }

    /** @param blockId the block of {@code record} this version is */
    record Delta(DecodedRecord record, int blockId) implements PageVersion {
        public BlockReference block() {
            return record.block(blockId);
        }
    }

    static boolean isImage(byte[] value) {
        return value.length == PAGE_SIZE;
    }

    static PageVersion decode(byte[] value, Lsn endLsn) {
        return isImage(value) ? new Image(value) : DeltaCodec.decode(value, endLsn);
    }

    /** Encoding of {@link Delta}: little-endian, self-describing, version-tagged. */
    final class DeltaCodec {
        static final int TAG = 0xD1;
        private static final int BLOCK_FLAGS_KEPT = BlockReference.BKPBLOCK_HAS_DATA | BlockReference.BKPBLOCK_WILL_INIT
                | BlockReference.BKPBLOCK_FORK_MASK;

        private DeltaCodec() {
        }

        public static byte[] encode(DecodedRecord rec, int blockId) {
            int size = 1 + 1 + 8 + 4 + 1 + 1 + 1;
            for (BlockReference b : rec.blocks()) {
                size += 1 + 1 + 12 + 4 + 2 + b.dataLength();
            }
            size += 4 + rec.mainDataLength();
            if (size == PAGE_SIZE) {
                size++; // never mistaken for an image
            }
            ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            out.put((byte) TAG).put((byte) blockId).putLong(rec.lsn().value()).putInt(rec.header().xid())
                    .put((byte) rec.header().info()).put((byte) rec.rmid()).put((byte) rec.blocks().size());
            for (BlockReference b : rec.blocks()) {
                out.put((byte) b.blockId()).put((byte) (b.forkFlags() & BLOCK_FLAGS_KEPT))
                        .putInt((int) b.rel().spcOid()).putInt((int) b.rel().dbOid()).putInt((int) b.rel().relNumber())
                        .putInt((int) b.blockNumber()).putShort((short) b.dataLength())
                        .put(b.recordBytes(), b.dataOffset(), b.dataLength());
            }
            out.putInt(rec.mainDataLength()).put(rec.bytes(), rec.mainDataOffset(), rec.mainDataLength());
            return out.array();
        }

        public static Delta decode(byte[] v, Lsn endLsn) {
            ByteBuffer in = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            if ((in.get() & 0xFF) != TAG) {
                throw new IllegalArgumentException("not a page delta (tag " + (v[0] & 0xFF) + ", " + v.length + " bytes)");
            }
            int blockId = in.get() & 0xFF;
            Lsn lsn = Lsn.of(in.getLong());
            int xid = in.getInt();
            int info = in.get() & 0xFF;
            int rmid = in.get() & 0xFF;
            int n = in.get() & 0xFF;
            List<BlockReference> blocks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = in.get() & 0xFF;
                int flags = in.get() & 0xFF;
                RelFileLocator rel = new RelFileLocator(in.getInt() & 0xFFFFFFFFL, in.getInt() & 0xFFFFFFFFL,
                        in.getInt() & 0xFFFFFFFFL);
                long blockNumber = in.getInt() & 0xFFFFFFFFL;
                int dataLength = in.getShort() & 0xFFFF;
                int dataOffset = in.position();
                in.position(dataOffset + dataLength);
                blocks.add(new BlockReference(id, rel, flags & BlockReference.BKPBLOCK_FORK_MASK, blockNumber, flags,
                        0, 0, 0, 0, v, 0, dataOffset, dataLength));
            }
            int mainLength = in.getInt();
            int mainOffset = in.position();
            XLogRecordHeader header = new XLogRecordHeader(v.length, xid, Lsn.INVALID, info, rmid, 0);
            return new Delta(new DecodedRecord(lsn, endLsn, header, blocks, -1, 0, v, mainOffset, mainLength), blockId);
        }
    }
}
