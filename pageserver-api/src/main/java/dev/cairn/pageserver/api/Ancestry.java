package dev.cairn.pageserver.api;

import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;

import java.nio.ByteBuffer;

/**
 * Where a branch came from: a timeline of the same tenant and the LSN its data was taken at (the end of
 * the last record at or before the LSN asked for).
 */
public record Ancestry(Id128 timeline, Lsn lsn) {
    public byte[] encode() {
        return ByteBuffer.allocate(24).putLong(timeline.hi()).putLong(timeline.lo()).putLong(lsn.value()).array();
    }

    public static Ancestry decode(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new Ancestry(new Id128(buf.getLong(), buf.getLong()), Lsn.of(buf.getLong()));
    }
}
