package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.XLogRecordHeader;

import java.nio.ByteBuffer;

/**
 * The bytes of an XLOG_CHECKPOINT_SHUTDOWN record as XLogInsert would write
 * it: the 24-byte XLogRecord header (rmid XLOG, info 0, xid 0), a short
 * main-data header (block id 255, one length byte) and the CheckPoint struct.
 * The CRC-32C covers the bytes after the header, then the header up to xl_crc.
 */
public final class ShutdownCheckpointRecord {
    private ShutdownCheckpointRecord() {
    }

    /** XLR_BLOCK_ID_DATA_SHORT: main data follows, with a one-byte length. */
    private static final int BLOCK_ID_DATA_SHORT = 255;
    /** XLOG_CHECKPOINT_SHUTDOWN. */
    public static final int INFO = 0x00;
    /** xl_tot_len: header, 2-byte data header, CheckPoint. */
    public static final int TOTAL_LENGTH = XLogRecordHeader.SIZE + 2 + CheckPoint.SIZE;

    /** The record's bytes ({@link #TOTAL_LENGTH} of them, without alignment padding). */
    public static byte[] encode(Lsn prev, CheckPoint checkpoint) {
        byte[] record = new byte[TOTAL_LENGTH];
        ByteBuffer body = ByteBuffer.wrap(record).position(XLogRecordHeader.SIZE);
        body.put((byte) BLOCK_ID_DATA_SHORT);
        body.put((byte) CheckPoint.SIZE);
        checkpoint.write(body);

        new XLogRecordHeader(TOTAL_LENGTH, 0, prev, INFO, RmgrId.XLOG.id, 0).write(record, 0);
        int crc = XLogRecordHeader.crcOf(record, TOTAL_LENGTH);
        new XLogRecordHeader(TOTAL_LENGTH, 0, prev, INFO, RmgrId.XLOG.id, crc).write(record, 0);
        return record;
    }
}
