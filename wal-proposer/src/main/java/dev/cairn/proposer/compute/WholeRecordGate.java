package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalStreamDecoder;
import dev.cairn.pgformat.wal.synth.RecordPosition;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Lets WAL through only up to the end of the last complete record, holding back a partial tail until the
 * rest arrives. The quorum log then always ends at a record boundary, so the pageserver's basebackup at
 * the sync LSN is taken at exactly that LSN and the next compute's WAL continues the log without a gap.
 * A commit never waits on this: Postgres sends a commit record in full before it waits for it.
 */
public final class WholeRecordGate {
    private final WalStreamDecoder decoder;
    private final Consumer<DecodedRecord> inspector;
    /** Bytes from {@link #released} on, not yet let through. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** Where the decoder starts; bytes before it (padding, a page header) are only passed along. */
    private final long decodeFrom;
    private long received;
    private long released;

    /** @param start where the stream starts: the end of a record (the proposer's log end) */
    public WholeRecordGate(Lsn start, int segmentSize) {
        this(start, segmentSize, r -> { });
    }

    /**
     * @param inspector sees every complete record before it is let through; what it throws stops the gate
     *                  with the record (and everything after it) held back
     */
    public WholeRecordGate(Lsn start, int segmentSize, Consumer<DecodedRecord> inspector) {
        Lsn first = RecordPosition.decoderStart(start, segmentSize);
        this.decoder = new WalStreamDecoder(first, segmentSize);
        this.inspector = inspector;
        this.decodeFrom = first.value();
        this.received = start.value();
        this.released = start.value();
    }

    /**
     * Takes the next bytes of the stream and returns the bytes that may be appended now (possibly none):
     * everything up to the end of the last record completed so far.
     */
    public byte[] offer(byte[] data) {
        long begin = received;
        received += data.length;
        held.write(data, 0, data.length);
        long skip = Math.max(0, decodeFrom - begin);
        if (skip < data.length) {
            decoder.feed(data, (int) skip, (int) (data.length - skip));
        }
        long lastEnd = -1;
        for (DecodedRecord r = decoder.next(); r != null; r = decoder.next()) {
            inspector.accept(r);
            lastEnd = r.endLsn().value();
        }
        if (lastEnd < 0) {
            return new byte[0];
        }
        byte[] all = held.toByteArray();
        int n = (int) (lastEnd - released);
        byte[] out = java.util.Arrays.copyOf(all, n);
        held.reset();
        held.write(all, n, all.length - n);
        released = lastEnd;
        return out;
    }

    /** End of what was let through: always a record end. */
    public Lsn releasedUpTo() {
        return Lsn.of(released);
    }

    /** Bytes received but held back (a record not complete yet). */
    public long heldBytes() {
        return received - released;
    }
}
