package dev.cairn.pgformat.wal;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * XLogPageHeaderData (and XLogLongPageHeaderData on the first page of a
 * segment). Layout, little-endian: magic u16, info u16, tli u32, pageaddr u64,
 * rem_len u32, pad to 24; long adds sysid u64, seg_size u32, xlog_blcksz u32, pad to 40.
 */
public record WalPageHeader(int magic, int info, int timeline, Lsn pageAddress, int remainingLength,
                            long systemId, int segmentSize, int walBlockSize) {

    public static final int SHORT_SIZE = 24;
    public static final int LONG_SIZE = 40;

    /** The first record on the page continues one from the previous page. */
    public static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
    /** This is a long header (first page of a segment). */
    public static final int XLP_LONG_HEADER = 0x0002;
    /** Backup blocks on this page are not needed (archive compression). */
    public static final int XLP_BKP_REMOVABLE = 0x0004;
    /** Replaces a missing contrecord (PostgreSQL 15). */
    public static final int XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
    public static final int XLP_ALL_FLAGS = 0x000F;

    public static WalPageHeader shortHeader(int magic, int info, int timeline, Lsn pageAddress, int remainingLength) {
        return new WalPageHeader(magic, info & ~XLP_LONG_HEADER, timeline, pageAddress, remainingLength, 0, 0, 0);
    }

    public static WalPageHeader longHeader(int magic, int info, int timeline, Lsn pageAddress, int remainingLength,
                                           long systemId, int segmentSize, int walBlockSize) {
        return new WalPageHeader(magic, info | XLP_LONG_HEADER, timeline, pageAddress, remainingLength,
                systemId, segmentSize, walBlockSize);
    }

    public boolean isLong() {
        return (info & XLP_LONG_HEADER) != 0;
    }

    public boolean isContinuation() {
        return (info & XLP_FIRST_IS_CONTRECORD) != 0;
    }

    public int size() {
        return isLong() ? LONG_SIZE : SHORT_SIZE;
    }

    /** Reads a header at the buffer's current position (does not validate; see {@link WalPageValidator}). */
    public static WalPageHeader read(ByteBuffer page, int offset) {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(offset));
        int info = Short.toUnsignedInt(b.getShort(offset + 2));
        int tli = b.getInt(offset + 4);
        long addr = b.getLong(offset + 8);
        int rem = b.getInt(offset + 16);
        if ((info & XLP_LONG_HEADER) != 0) {
            return new WalPageHeader(magic, info, tli, Lsn.of(addr), rem,
                    b.getLong(offset + 24), b.getInt(offset + 32), b.getInt(offset + 36));
        }
        return new WalPageHeader(magic, info, tli, Lsn.of(addr), rem, 0, 0, 0);
    }

    /** Writes this header (with zero padding) at {@code offset}; returns the header size. */
    public int write(ByteBuffer page, int offset) {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(offset, (short) magic);
        b.putShort(offset + 2, (short) info);
        b.putInt(offset + 4, timeline);
        b.putLong(offset + 8, pageAddress.value());
        b.putInt(offset + 16, remainingLength);
        b.putInt(offset + 20, 0);
        if (isLong()) {
            b.putLong(offset + 24, systemId);
            b.putInt(offset + 32, segmentSize);
            b.putInt(offset + 36, walBlockSize);
        }
        return size();
    }
}
