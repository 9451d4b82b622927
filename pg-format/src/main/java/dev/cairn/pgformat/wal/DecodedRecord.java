package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A WAL record, reassembled across pages and decoded into its parts.
 *
 * @param lsn          where the record starts (its XLogRecord header)
 * @param endLsn       the position just after its last byte (not aligned), as pg_waldump's "end"
 * @param header       the fixed header
 * @param blocks       registered blocks in block-id order
 * @param origin       replication origin id, or -1 when not present
 * @param toplevelXid  top-level xid of a subtransaction's record, or 0 when not present
 * @param bytes        the whole record, header included (length = header.totalLength())
 * @param mainDataOffset offset of the main data within {@code bytes}
 * @param mainDataLength length of the main data
 */
public record DecodedRecord(Lsn lsn, Lsn endLsn, XLogRecordHeader header, List<BlockReference> blocks,
                            int origin, int toplevelXid, byte[] bytes, int mainDataOffset, int mainDataLength) {

    /**
     * The LSN redo gives the pages this record changes, and the primary gave them: the record's end rounded up
     * to MAXALIGN, where the next record starts (XLogInsert's EndPos, the reader's EndRecPtr).
     */
    public Lsn pageLsn() {
        return Lsn.of((endLsn.value() + 7) & ~7L);
    }

    public int rmid() {
        return header.rmid();
    }

    public RmgrId rmgr() {
        return RmgrId.ofOrNull(header.rmid());
    }

    /** Record type bits (xl_info & 0xF0). */
    public int rmgrInfo() {
        return header.rmgrInfo();
    }

    public int xid() {
        return header.xid();
    }

    /**
     * The first block this record changes without carrying its image, or null when every block reference
     * has one. While the pageserver has no block redo, such a record cannot be materialised.
     */
    public BlockReference firstBlockWithoutImage() {
        for (BlockReference b : blocks) {
            if (!b.hasImage()) {
                return b;
            }
        }
        return null;
    }

    public int totalLength() {
        return header.totalLength();
    }

    /** Bytes of stored block images, i.e. what pg_waldump subtracts from tot_len to get "rec" length. */
    public int imageBytes() {
        int sum = 0;
        for (BlockReference b : blocks) {
            if (b.hasImage()) {
                sum += b.imageStoredLength();
            }
        }
        return sum;
    }

    /** The same record under another header (bad-input tests give a real record another type or rmgr). */
    public DecodedRecord withHeader(XLogRecordHeader h) {
        return new DecodedRecord(lsn, endLsn, h, blocks, origin, toplevelXid, bytes, mainDataOffset, mainDataLength);
    }

    /** The main data, read-only, little-endian, positioned at 0. */
    public ByteBuffer mainData() {
        return ByteBuffer.wrap(bytes, mainDataOffset, mainDataLength).slice().asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The block with this block id, or null. */
    public BlockReference block(int blockId) {
        for (BlockReference b : blocks) {
            if (b.blockId() == blockId) {
                return b;
            }
        }
        return null;
    }
}
