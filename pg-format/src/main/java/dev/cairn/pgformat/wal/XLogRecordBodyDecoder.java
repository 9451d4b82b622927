package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.RelFileLocator;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a complete, CRC-checked record into block references and main data
 * (PostgreSQL's DecodeXLogRecord). Pure: bytes in, {@link DecodedRecord} out.
 */
final class XLogRecordBodyDecoder {
    static final int XLR_MAX_BLOCK_ID = 32;
    static final int XLR_BLOCK_ID_DATA_SHORT = 255;
    static final int XLR_BLOCK_ID_DATA_LONG = 254;
    static final int XLR_BLOCK_ID_ORIGIN = 253;
    static final int XLR_BLOCK_ID_TOPLEVEL_XID = 252;

    private XLogRecordBodyDecoder() {
    }

    static DecodedRecord decode(Lsn lsn, Lsn endLsn, XLogRecordHeader header, byte[] rec) {
        Cursor c = new Cursor(lsn, rec, XLogRecordHeader.SIZE);
        int total = header.totalLength();
        long dataTotal = 0;
        int mainDataLength = 0;
        int origin = -1;
        int toplevelXid = 0;
        int lastBlockId = -1;
        RelFileLocator lastRel = null;
        List<PendingBlock> pending = new ArrayList<>(2);

        while (total - c.pos > dataTotal) {
            int blockId = c.u8("block id");
            if (blockId == XLR_BLOCK_ID_DATA_SHORT) {
                mainDataLength = c.u8("main data length");
                dataTotal += mainDataLength;
                break;
            } else if (blockId == XLR_BLOCK_ID_DATA_LONG) {
                long len = c.u32("main data length");
                if (len > total) {
                    throw c.error("main data length " + len + " exceeds record length " + total);
                }
                mainDataLength = (int) len;
                dataTotal += mainDataLength;
                break;
            } else if (blockId == XLR_BLOCK_ID_ORIGIN) {
                origin = c.u16("origin");
            } else if (blockId == XLR_BLOCK_ID_TOPLEVEL_XID) {
                toplevelXid = (int) c.u32("toplevel xid");
            } else if (blockId <= XLR_MAX_BLOCK_ID) {
                if (blockId <= lastBlockId) {
                    throw c.error("out-of-order block_id " + blockId);
                }
                lastBlockId = blockId;
                PendingBlock b = new PendingBlock();
                b.blockId = blockId;
                b.forkFlags = c.u8("fork flags");
                b.dataLength = c.u16("block data length");
                boolean hasData = (b.forkFlags & BlockReference.BKPBLOCK_HAS_DATA) != 0;
                if (hasData && b.dataLength == 0) {
                    throw c.error("BKPBLOCK_HAS_DATA set, but no data included for block " + blockId);
                }
                if (!hasData && b.dataLength != 0) {
                    throw c.error("BKPBLOCK_HAS_DATA not set, but data length is " + b.dataLength + " for block " + blockId);
                }
                dataTotal += b.dataLength;
                if ((b.forkFlags & BlockReference.BKPBLOCK_HAS_IMAGE) != 0) {
                    readImageHeader(c, b);
                    dataTotal += b.imageLength;
                }
                if ((b.forkFlags & BlockReference.BKPBLOCK_SAME_REL) == 0) {
                    lastRel = new RelFileLocator(c.u32("spcOid"), c.u32("dbOid"), c.u32("relNumber"));
                } else if (lastRel == null) {
                    throw c.error("BKPBLOCK_SAME_REL set but no previous rel for block " + blockId);
                }
                b.rel = lastRel;
                b.blockNumber = c.u32("block number");
                pending.add(b);
            } else {
                throw c.error("invalid block_id " + blockId);
            }
        }
        if (total - c.pos != dataTotal) {
            throw c.error("block data lengths add up to " + dataTotal + " but " + (total - c.pos) + " bytes remain");
        }

        List<BlockReference> blocks = new ArrayList<>(pending.size());
        int at = c.pos;
        for (PendingBlock b : pending) {
            int imageOffset = at;
            at += b.imageLength;
            int dataOffset = at;
            at += b.dataLength;
            blocks.add(new BlockReference(b.blockId, b.rel, b.forkFlags & BlockReference.BKPBLOCK_FORK_MASK,
                    b.blockNumber, b.forkFlags, b.imageInfo, b.imageLength, b.holeOffset, b.holeLength,
                    rec, imageOffset, dataOffset, b.dataLength));
        }
        return new DecodedRecord(lsn, endLsn, header, List.copyOf(blocks), origin, toplevelXid, rec, at, mainDataLength);
    }

    private static void readImageHeader(Cursor c, PendingBlock b) {
        b.imageLength = c.u16("image length");
        b.holeOffset = c.u16("hole offset");
        b.imageInfo = c.u8("image info");
        boolean hasHole = (b.imageInfo & BlockReference.BKPIMAGE_HAS_HOLE) != 0;
        boolean compressed = (b.imageInfo & (BlockReference.BKPIMAGE_COMPRESS_PGLZ
                | BlockReference.BKPIMAGE_COMPRESS_LZ4 | BlockReference.BKPIMAGE_COMPRESS_ZSTD)) != 0;
        if (compressed) {
            b.holeLength = hasHole ? c.u16("hole length") : 0;
        } else {
            b.holeLength = PgConstants.BLCKSZ - b.imageLength;
        }
        if (hasHole && (b.holeOffset == 0 || b.holeLength == 0 || b.imageLength == PgConstants.BLCKSZ)) {
            throw c.error("BKPIMAGE_HAS_HOLE set, but hole offset " + b.holeOffset + " length " + b.holeLength
                    + " block image length " + b.imageLength + " for block " + b.blockId);
        }
        if (!hasHole && (b.holeOffset != 0 || b.holeLength != 0)) {
            throw c.error("BKPIMAGE_HAS_HOLE not set, but hole offset " + b.holeOffset + " length " + b.holeLength
                    + " for block " + b.blockId);
        }
        if (compressed && b.imageLength == PgConstants.BLCKSZ) {
            throw c.error("compressed image set, but block image length " + b.imageLength + " for block " + b.blockId);
        }
        if (!hasHole && !compressed && b.imageLength != PgConstants.BLCKSZ) {
            throw c.error("neither hole nor compression set, but block image length " + b.imageLength
                    + " for block " + b.blockId);
        }
        if (b.holeOffset + b.holeLength > PgConstants.BLCKSZ) {
            throw c.error("hole offset " + b.holeOffset + " + length " + b.holeLength + " exceeds the page for block " + b.blockId);
        }
    }

    private static final class PendingBlock {
        int blockId;
        int forkFlags;
        int dataLength;
        int imageLength;
        int holeOffset;
        int holeLength;
        int imageInfo;
        RelFileLocator rel;
        long blockNumber;
    }

    /** Bounds-checked little-endian reads over the record header area. */
    private static final class Cursor {
        final Lsn lsn;
        final byte[] b;
        int pos;

        Cursor(Lsn lsn, byte[] b, int pos) {
            this.lsn = lsn;
            this.b = b;
            this.pos = pos;
        }

        private void need(int n, String what) {
            if (pos + n > b.length) {
                throw error("record too short to hold " + what + " (need " + n + " bytes at offset " + pos
                        + ", record length " + b.length + ")");
            }
        }

        int u8(String what) {
            need(1, what);
            return b[pos++] & 0xFF;
        }

        int u16(String what) {
            need(2, what);
            int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
            pos += 2;
            return v;
        }

        long u32(String what) {
            need(4, what);
            long v = (b[pos] & 0xFFL) | (b[pos + 1] & 0xFFL) << 8 | (b[pos + 2] & 0xFFL) << 16 | (b[pos + 3] & 0xFFL) << 24;
            pos += 4;
            return v;
        }

        WalFormatException error(String message) {
            return new WalFormatException(lsn, WalFormatException.Cause.BAD_RECORD_BODY, message);
        }
    }
}
