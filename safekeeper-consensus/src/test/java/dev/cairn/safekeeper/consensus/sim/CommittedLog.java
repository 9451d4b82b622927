package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;

import java.util.Arrays;

/**
 * The oracle: every byte any proposer ever acknowledged as committed, from the timeline start. A later
 * commit must extend it, never contradict it.
 */
final class CommittedLog {
    private final Lsn start;
    private byte[] bytes = new byte[1024];
    private int length;

    CommittedLog(Lsn start) {
        this.start = start;
    }

    Lsn start() {
        return start;
    }

    Lsn end() {
        return start.plus(length);
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /**
     * Records that a proposer acknowledged {@code [start, commit)} of its log {@code log} (which starts at
     * the timeline start). Returns a description of the contradiction, or null.
     */
    String acknowledge(String who, byte[] log, int logLength, Lsn commit) {
        int n = (int) commit.minus(start);
        if (n > logLength) {
            return who + " acknowledged " + commit + " beyond its own log end " + start.plus(logLength);
        }
        int overlap = Math.min(n, length);
        int m = Arrays.mismatch(bytes, 0, overlap, log, 0, overlap);
        if (m >= 0) {
            return who + " acknowledged " + commit + " but its log differs from committed WAL at " + start.plus(m);
        }
        if (n > length) {
            if (n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(n, bytes.length * 2));
            }
            System.arraycopy(log, length, bytes, length, n - length);
            length = n;
        }
        return null;
    }
}
