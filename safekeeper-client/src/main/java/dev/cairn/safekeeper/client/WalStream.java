package dev.cairn.safekeeper.client;

import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.WalChunk;
import dev.cairn.safekeeper.api.MalformedMessageException;
import dev.cairn.safekeeper.api.WalPayloadChecksum;
import io.grpc.Context;

import java.util.Iterator;

/**
 * One stream of committed WAL from a safekeeper, read as contiguous {@link WalPiece}s: each piece continues
 * where the last one ended (what a safekeeper re-sends is trimmed), and carries the WAL its checksum was taken
 * over. A gap or a bad checksum is a damaged stream, not bad WAL: {@link #next} throws
 * {@link WalStreamException}, and the reader should try another safekeeper.
 */
public final class WalStream implements AutoCloseable {
    /** WAL from {@code begin}, and the safekeeper's commit LSN when it sent it. */
    public record WalPiece(Lsn begin, byte[] data, Lsn commitLsn) {
        public Lsn end() {
            return begin.plus(data.length);
        }
    }

    private final String source;
    private final Iterator<WalChunk> chunks;
    private final Context.CancellableContext call;
    private long expected;

    WalStream(String source, Iterator<WalChunk> chunks, Lsn start, Context.CancellableContext call) {
        this.source = source;
        this.chunks = chunks;
        this.expected = start.value();
        this.call = call;
    }

    /** The next piece of WAL; null when the safekeeper ended the stream. Blocks until WAL arrives. */
    public WalPiece next() {
        while (chunks.hasNext()) {
            WalChunk chunk = chunks.next();
            Lsn begin = Lsn.of(chunk.getBeginLsn());
            if (Long.compareUnsigned(chunk.getBeginLsn(), expected) > 0) {
                throw new WalStreamException("safekeeper " + source + " sent WAL at " + begin
                        + " after a gap: the stream is at " + Lsn.of(expected));
            }
            try {
                WalPayloadChecksum.verify(chunk.getWalCrc32C(), chunk.getWalData(), begin);
            } catch (MalformedMessageException e) {
                throw new WalStreamException("safekeeper " + source + ": " + e.getMessage(), e);
            }
            int size = chunk.getWalData().size();
            long skip = expected - chunk.getBeginLsn();
            if (skip >= size) {
                continue;
            }
            byte[] data = chunk.getWalData().substring((int) skip).toByteArray();
            WalPiece piece = new WalPiece(Lsn.of(expected), data, Lsn.of(chunk.getCommitLsn()));
            expected += data.length;
            return piece;
        }
        return null;
    }

    /** Ends the stream; callable from any thread ({@link #next} then fails with the cancellation). */
    public void cancel() {
        call.cancel(null);
    }

    @Override
    public void close() {
        cancel();
    }
}
