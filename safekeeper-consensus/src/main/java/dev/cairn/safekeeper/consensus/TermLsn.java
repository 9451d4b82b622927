package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

/** One term switch: WAL of {@code term} starts at {@code lsn}. */
public record TermLsn(long term, Lsn lsn) {
    public TermLsn {
        if (term <= 0) {
            throw new IllegalArgumentException("term must be positive: " + term);
        }
        if (lsn == null) {
            throw new IllegalArgumentException("lsn is required");
        }
    }

    @Override
    public String toString() {
        return "(" + term + ", " + lsn + ")";
    }
}
