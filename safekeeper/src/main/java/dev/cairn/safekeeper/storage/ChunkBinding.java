package dev.cairn.safekeeper.storage;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a WAL chunk's ciphertext is bound to: a chunk moved to another tenant, timeline or LSN (or cut to
 * another length) fails authentication.
 */
public record ChunkBinding(TimelineKey timeline, Lsn startLsn, int length) {
    private static final byte[] PURPOSE = "cairn-wal-chunk-v1".getBytes(StandardCharsets.US_ASCII);

    /** Additional authenticated data: purpose, tenant, timeline, start LSN, plaintext length. */
    public byte[] aad() {
        return ByteBuffer.allocate(PURPOSE.length + 16 + 16 + 8 + 4).put(PURPOSE)
                .putLong(timeline.tenant().hi()).putLong(timeline.tenant().lo())
                .putLong(timeline.timeline().hi()).putLong(timeline.timeline().lo())
                .putLong(startLsn.value()).putInt(length).array();
    }
}
