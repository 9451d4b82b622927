package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;

import java.nio.ByteBuffer;

/**
 * How far a timeline's WAL has been ingested.
 *
 * @param importLsn   the checkpoint LSN its data directory was imported at
 * @param lastRecord  start of the last ingested record (xl_prev of the next one)
 * @param end         end of the last ingested record (everything before it is materialised)
 */
public record IngestPosition(Lsn importLsn, Lsn lastRecord, Lsn end) {
    public byte[] encode() {
        return ByteBuffer.allocate(24).putLong(importLsn.value()).putLong(lastRecord.value()).putLong(end.value()).array();
    }

    public static IngestPosition decode(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new IngestPosition(Lsn.of(buf.getLong()), Lsn.of(buf.getLong()), Lsn.of(buf.getLong()));
    }
}
