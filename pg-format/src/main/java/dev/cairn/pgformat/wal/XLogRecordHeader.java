package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The fixed 24-byte XLogRecord header: tot_len u32, xid u32, prev u64,
 * info u8, rmid u8, 2 pad bytes, crc u32.
 */
public record XLogRecordHeader(int totalLength, int xid, Lsn prev, int info, int rmid, int crc) {
    public static final int SIZE = 24;
    /** Bytes of the header covered by the CRC (everything before xl_crc). */
    public static final int CRC_COVERED = 20;

    /** The low four bits of xl_info are reserved for the WAL machinery; rmgrs use the high four. */
    public static final int XLR_INFO_MASK = 0x0F;
    public static final int XLR_RMGR_INFO_MASK = 0xF0;
    /** The record is a special "special-rel" record whose blocks carry complete images. */
    public static final int XLR_SPECIAL_REL_UPDATE = 0x01;
    /** The record carries images that must be checked (wal_consistency_checking). */
    public static final int XLR_CHECK_CONSISTENCY = 0x02;

    public static XLogRecordHeader read(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new XLogRecordHeader(b.getInt(offset), b.getInt(offset + 4), Lsn.of(b.getLong(offset + 8)),
                Byte.toUnsignedInt(b.get(offset + 16)), Byte.toUnsignedInt(b.get(offset + 17)), b.getInt(offset + 20));
    }

    public void write(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(offset, totalLength);
        b.putInt(offset + 4, xid);
        b.putLong(offset + 8, prev.value());
        b.put(offset + 16, (byte) info);
        b.put(offset + 17, (byte) rmid);
        b.putShort(offset + 18, (short) 0);
        b.putInt(offset + 20, crc);
    }

    /**
     * The CRC-32C PostgreSQL stores in xl_crc for a whole record (header first):
     * over the bytes after the header, then the header up to xl_crc.
     */
    public static int crcOf(byte[] record, int totalLength) {
        CRC32C crc = new CRC32C();
        crc.update(record, SIZE, totalLength - SIZE);
        crc.update(record, 0, CRC_COVERED);
        return (int) crc.getValue();
    }

    /** xl_info with the WAL machinery bits masked off: the rmgr-specific record type. */
    public int rmgrInfo() {
        return info & XLR_RMGR_INFO_MASK;
    }

    public long xidUnsigned() {
        return Integer.toUnsignedLong(xid);
    }

    /** This header with another xl_info. */
    public XLogRecordHeader withInfo(int newInfo) {
        return new XLogRecordHeader(totalLength, xid, prev, newInfo, rmid, crc);
    }

    /** This header with another resource manager id. */
    public XLogRecordHeader withRmid(int newRmid) {
        return new XLogRecordHeader(totalLength, xid, prev, info, newRmid, crc);
    }
}
