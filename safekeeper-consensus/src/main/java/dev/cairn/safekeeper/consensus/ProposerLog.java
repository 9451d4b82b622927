package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

import java.util.Arrays;

/**
 * The proposer's window of its log, {@code [begin, end)}: new WAL is appended at the end and the head is
 * trimmed once acceptors hold it (or, past the size limit, once it is committed).
 */
final class ProposerLog {
    private byte[] buf = new byte[4096];
    private int offset;
    private int length;
    private Lsn begin;

    ProposerLog(Lsn start) {
        this.begin = start;
    }

    Lsn begin() {
        return begin;
    }

    Lsn end() {
        return begin.plus(length);
    }

    long size() {
        return length;
    }

    void append(byte[] data) {
        ensureTail(data.length);
        System.arraycopy(data, 0, buf, offset + length, data.length);
        length += data.length;
    }

    byte[] slice(Lsn from, Lsn to) {
        if (from.isBefore(begin) || to.isAfter(end()) || to.isBefore(from)) {
            throw new IllegalArgumentException("slice " + from + ".." + to + " outside " + begin + ".." + end());
        }
        int start = offset + (int) from.minus(begin);
        return Arrays.copyOfRange(buf, start, start + (int) to.minus(from));
    }

    /** Forgets WAL below {@code lsn}. */
    void trimTo(Lsn lsn) {
        if (!lsn.isAfter(begin)) {
            return;
        }
        int n = (int) Math.min(length, lsn.minus(begin));
        offset += n;
        length -= n;
        begin = begin.plus(n);
        if (offset > buf.length / 2) {
            System.arraycopy(buf, offset, buf, 0, length);
            offset = 0;
        }
    }

    private void ensureTail(int extra) {
        if (offset + length + extra <= buf.length) {
            return;
        }
        if (length + extra <= buf.length / 2) {
            System.arraycopy(buf, offset, buf, 0, length);
        } else {
            byte[] next = new byte[Math.max(buf.length * 2, length + extra)];
            System.arraycopy(buf, offset, next, 0, length);
            buf = next;
        }
        offset = 0;
    }
}
