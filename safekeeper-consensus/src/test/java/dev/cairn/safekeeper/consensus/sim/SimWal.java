package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An acceptor's WAL on a simulated disk: bytes from {@code start}, of which a prefix is durable
 * (fsynced). A crash keeps the durable part and a random prefix of the rest, as a real file system may.
 */
final class SimWal {
    private Lsn start = Lsn.INVALID;
    private byte[] bytes = new byte[256];
    private int written;
    private int durable;

    Lsn start() {
        return start;
    }

    Lsn writeEnd() {
        return start.plus(written);
    }

    Lsn durableEnd() {
        return start.isValid() ? start.plus(durable) : Lsn.INVALID;
    }

    void write(Lsn begin, byte[] data) {
        if (!begin.equals(writeEnd())) {
            throw new IllegalStateException("non-contiguous write at " + begin + ", end " + writeEnd());
        }
        if (written + data.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, written + data.length));
        }
        System.arraycopy(data, 0, bytes, written, data.length);
        written += data.length;
    }

    void flush() {
        durable = written;
    }

    /** Durable truncation (the real storage fsyncs it); an empty WAL starts at {@code end}. */
    void truncate(Lsn end) {
        if (!start.isValid() || (written == 0 && !end.isBefore(start))) {
            start = end;
            written = 0;
            durable = 0;
            return;
        }
        long n = end.minus(start);
        if (n < 0 || n > written) {
            throw new IllegalStateException("truncate to " + end + " outside WAL " + start + ".." + writeEnd());
        }
        written = (int) n;
        durable = written;
    }

    void crash(RandomGenerator rng) {
        written = durable + (written > durable ? rng.nextInt(written - durable + 1) : 0);
        durable = written;
    }

    byte[] read(Lsn from, Lsn to) {
        int a = (int) from.minus(start);
        return Arrays.copyOfRange(bytes, a, a + (int) to.minus(from));
    }

    /** Durable bytes from {@code start}. */
    byte[] durableBytes() {
        return Arrays.copyOf(bytes, durable);
    }

    /** Whether the durable WAL covers {@code [from, from + expect.length)} with exactly those bytes. */
    boolean durablyHolds(Lsn from, byte[] expect, int length) {
        if (length == 0) {
            return true;
        }
        if (!start.isValid() || from.isBefore(start) || from.plus(length).isAfter(durableEnd())) {
            return false;
        }
        int a = (int) from.minus(start);
        return Arrays.equals(bytes, a, a + length, expect, 0, length);
    }

    /** First LSN in {@code [from, to)} where durable bytes differ from {@code expect} (which starts at from). */
    long mismatch(Lsn from, byte[] expect, Lsn to) {
        int len = (int) to.minus(from);
        int a = (int) from.minus(start);
        int m = Arrays.mismatch(bytes, a, a + len, expect, 0, len);
        return m < 0 ? -1 : from.value() + m;
    }
}
