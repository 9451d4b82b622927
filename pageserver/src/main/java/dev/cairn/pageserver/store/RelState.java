package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;

/**
 * A relation fork that exists: its size in blocks and the LSN at which this
 * incarnation was created. Page versions older than {@code createdAt} belong
 * to an earlier relation with the same file number and read as zeroes.
 */
public record RelState(long nblocks, Lsn createdAt) {
    public static final int SIZE = 12;

    public RelState {
        if (nblocks < 0 || nblocks > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("relation size out of range: " + nblocks);
        }
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).putInt((int) nblocks).putLong(createdAt.value()).array();
    }

    public static RelState decode(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("relation state has " + b.length + " bytes, expected " + SIZE);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new RelState(Integer.toUnsignedLong(buf.getInt()), Lsn.of(buf.getLong()));
    }

    public RelState withSize(long n) {
        return new RelState(n, createdAt);
    }
}
