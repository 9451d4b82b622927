package dev.cairn.pgformat.page;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * PageHeaderData, the first 24 bytes of every relation page (bufpage.h).
 * Layout, little-endian: pd_lsn as two u32 halves (xlogid, then xrecoff — not
 * one u64), pd_checksum u16, pd_flags u16, pd_lower u16, pd_upper u16,
 * pd_special u16, pd_pagesize_version u16, pd_prune_xid u32.
 *
 * <p>The u16 fields are held as ints in 0..65535 and pd_prune_xid as a long
 * in 0..2^32-1, so that no value needs unsigned reinterpretation.
 */
public record PageHeader(Lsn lsn, int checksum, int flags, int lower, int upper, int special,
                         int pageSizeVersion, long pruneXid) {

    public static final int SIZE = 24;
    /** Offset of pd_checksum within the page. */
    public static final int CHECKSUM_OFFSET = 8;

    /** pd_flags: there are unused line pointers before pd_lower. */
    public static final int PD_HAS_FREE_LINES = 0x0001;
    /** pd_flags: not enough free space for a new tuple. */
    public static final int PD_PAGE_FULL = 0x0002;
    /** pd_flags: every tuple on the page is visible to everyone. */
    public static final int PD_ALL_VISIBLE = 0x0004;

    /** PG_PAGE_LAYOUT_VERSION of PostgreSQL 8.3 and later (including 15). */
    public static final int LAYOUT_VERSION = 4;

    public PageHeader {
        requireU16("pd_checksum", checksum);
        requireU16("pd_flags", flags);
        requireU16("pd_lower", lower);
        requireU16("pd_upper", upper);
        requireU16("pd_special", special);
        requireU16("pd_pagesize_version", pageSizeVersion);
        if (pruneXid < 0 || pruneXid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("pd_prune_xid out of u32 range: " + pruneXid);
        }
    }

    /** Reads the header at the start of a page. */
    public static PageHeader read(byte[] page) {
        return read(ByteBuffer.wrap(page), 0);
    }

    /** Reads the header at absolute {@code offset} (the buffer's position and byte order are left alone). */
    public static PageHeader read(ByteBuffer buf, int offset) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long xlogid = Integer.toUnsignedLong(b.getInt(offset));
        long xrecoff = Integer.toUnsignedLong(b.getInt(offset + 4));
        return new PageHeader(Lsn.of((xlogid << 32) | xrecoff),
                u16(b, offset + 8), u16(b, offset + 10), u16(b, offset + 12), u16(b, offset + 14),
                u16(b, offset + 16), u16(b, offset + 18), Integer.toUnsignedLong(b.getInt(offset + 20)));
    }

    /** Writes this header at the start of a page. */
    public void write(byte[] page) {
        write(ByteBuffer.wrap(page), 0);
    }

    /** Writes this header at absolute {@code offset}. */
    public void write(ByteBuffer buf, int offset) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(offset, (int) (lsn.value() >>> 32));
        b.putInt(offset + 4, (int) lsn.value());
        b.putShort(offset + 8, (short) checksum);
        b.putShort(offset + 10, (short) flags);
        b.putShort(offset + 12, (short) lower);
        b.putShort(offset + 14, (short) upper);
        b.putShort(offset + 16, (short) special);
        b.putShort(offset + 18, (short) pageSizeVersion);
        b.putInt(offset + 20, (int) pruneXid);
    }

    /** A header for an empty page (PageInit): no items, the special space at the end. */
    public static PageHeader empty(int specialSize) {
        int special = PgConstants.BLCKSZ - (int) PgConstants.maxAlign(specialSize);
        return new PageHeader(Lsn.INVALID, 0, 0, SIZE, special, special,
                PgConstants.BLCKSZ | LAYOUT_VERSION, 0);
    }

    /** The page size encoded in pd_pagesize_version. */
    public int pageSize() {
        return pageSizeVersion & 0xFF00;
    }

    /** The layout version encoded in pd_pagesize_version. */
    public int layoutVersion() {
        return pageSizeVersion & 0x00FF;
    }

    /** PageIsNew: pd_upper is zero on a page that was never initialised (and never checksummed). */
    public boolean isNew() {
        return upper == 0;
    }

    public PageHeader withChecksum(int newChecksum) {
        return new PageHeader(lsn, newChecksum, flags, lower, upper, special, pageSizeVersion, pruneXid);
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }

    private static void requireU16(String field, int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(field + " out of u16 range: " + v);
        }
    }
}
