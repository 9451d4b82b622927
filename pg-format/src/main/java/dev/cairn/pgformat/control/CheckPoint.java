package dev.cairn.pgformat.control;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The CheckPoint struct of pg_control.h: the copy kept in pg_control and, byte
 * for byte, the main data of XLOG_CHECKPOINT_SHUTDOWN / _ONLINE records.
 * Unsigned 32-bit fields (timelines, xids, oids, multixact ids) are held as
 * longs in 0..2^32-1; {@code nextFullXid} is the 64-bit FullTransactionId
 * (epoch in the high half); {@code time} is a pg_time_t (seconds since 1970).
 *
 * <p>Layout (x86-64, 88 bytes; unchanged from PostgreSQL 13 through 17):
 * redo u64 @0, ThisTimeLineID u32 @8, PrevTimeLineID u32 @12, fullPageWrites
 * bool @16, pad, nextXid u64 @24, nextOid @32, nextMulti @36,
 * nextMultiOffset @40, oldestXid @44, oldestXidDB @48, oldestMulti @52,
 * oldestMultiDB @56, pad, time i64 @64, oldestCommitTsXid @72,
 * newestCommitTsXid @76, oldestActiveXid @80, pad to 88.
 */
public record CheckPoint(Lsn redo, long thisTimeline, long prevTimeline, boolean fullPageWrites,
                         long nextFullXid, long nextOid, long nextMulti, long nextMultiOffset,
                         long oldestXid, long oldestXidDb, long oldestMulti, long oldestMultiDb,
                         long time, long oldestCommitTsXid, long newestCommitTsXid, long oldestActiveXid) {

    /** sizeof(CheckPoint). */
    public static final int SIZE = 88;

    public CheckPoint {
        requireU32("ThisTimeLineID", thisTimeline);
        requireU32("PrevTimeLineID", prevTimeline);
        requireU32("nextOid", nextOid);
        requireU32("nextMulti", nextMulti);
        requireU32("nextMultiOffset", nextMultiOffset);
        requireU32("oldestXid", oldestXid);
        requireU32("oldestXidDB", oldestXidDb);
        requireU32("oldestMulti", oldestMulti);
        requireU32("oldestMultiDB", oldestMultiDb);
        requireU32("oldestCommitTsXid", oldestCommitTsXid);
        requireU32("newestCommitTsXid", newestCommitTsXid);
        requireU32("oldestActiveXid", oldestActiveXid);
    }

    /**
     * Reads the struct at the buffer's position and advances it by {@link #SIZE}.
     * Always little-endian, whatever the buffer's byte order.
     */
    public static CheckPoint read(ByteBuffer buf) {
        if (buf.remaining() < SIZE) {
            throw new IllegalArgumentException("CheckPoint needs " + SIZE + " bytes, " + buf.remaining() + " remain");
        }
        ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        CheckPoint cp = new CheckPoint(Lsn.of(b.getLong(0)), u32(b, 8), u32(b, 12), b.get(16) != 0,
                b.getLong(24), u32(b, 32), u32(b, 36), u32(b, 40), u32(b, 44), u32(b, 48), u32(b, 52), u32(b, 56),
                b.getLong(64), u32(b, 72), u32(b, 76), u32(b, 80));
        buf.position(buf.position() + SIZE);
        return cp;
    }

    /** Writes the struct (padding zeroed) at the buffer's position and advances it by {@link #SIZE}. */
    public void write(ByteBuffer buf) {
        if (buf.remaining() < SIZE) {
            throw new IllegalArgumentException("CheckPoint needs " + SIZE + " bytes, " + buf.remaining() + " remain");
        }
        ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[SIZE]);
        b.putLong(0, redo.value());
        b.putInt(8, (int) thisTimeline);
        b.putInt(12, (int) prevTimeline);
        b.put(16, (byte) (fullPageWrites ? 1 : 0));
        b.putLong(24, nextFullXid);
        b.putInt(32, (int) nextOid);
        b.putInt(36, (int) nextMulti);
        b.putInt(40, (int) nextMultiOffset);
        b.putInt(44, (int) oldestXid);
        b.putInt(48, (int) oldestXidDb);
        b.putInt(52, (int) oldestMulti);
        b.putInt(56, (int) oldestMultiDb);
        b.putLong(64, time);
        b.putInt(72, (int) oldestCommitTsXid);
        b.putInt(76, (int) newestCommitTsXid);
        b.putInt(80, (int) oldestActiveXid);
        buf.position(buf.position() + SIZE);
    }

    public byte[] toBytes() {
        byte[] out = new byte[SIZE];
        write(ByteBuffer.wrap(out));
        return out;
    }

    /** The epoch half of nextXid. */
    public long nextXidEpoch() {
        return nextFullXid >>> 32;
    }

    /** The 32-bit xid half of nextXid. */
    public long nextXid() {
        return nextFullXid & 0xFFFF_FFFFL;
    }

    /** This checkpoint with a different redo pointer (a shutdown checkpoint's redo is its own location). */
    public CheckPoint withRedo(Lsn newRedo) {
        return new CheckPoint(newRedo, thisTimeline, prevTimeline, fullPageWrites, nextFullXid, nextOid, nextMulti,
                nextMultiOffset, oldestXid, oldestXidDb, oldestMulti, oldestMultiDb, time, oldestCommitTsXid,
                newestCommitTsXid, oldestActiveXid);
    }

    /** This checkpoint stamped with another time (seconds since 1970). */
    public CheckPoint withTime(long newTime) {
        return new CheckPoint(redo, thisTimeline, prevTimeline, fullPageWrites, nextFullXid, nextOid, nextMulti,
                nextMultiOffset, oldestXid, oldestXidDb, oldestMulti, oldestMultiDb, newTime, oldestCommitTsXid,
                newestCommitTsXid, oldestActiveXid);
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    static void requireU32(String field, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + " out of u32 range: " + v);
        }
    }
}
