package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

/** What the leading proposer knows about one acceptor. */
final class PeerProgress {
    enum Stage {
        /** Needs the acceptor's log position (a vote response in our term) before it can be synced. */
        UNKNOWN,
        /** Elected sent with a truncation point; waiting for the acceptor's first response in our term. */
        ELECTING,
        /** Accepted our Elected: appends flow from {@code nextSend}. */
        STREAMING
    }

    final int id;
    Stage stage = Stage.UNKNOWN;
    /** Next LSN to send (streaming). */
    Lsn nextSend = Lsn.INVALID;
    /** Highest flush LSN it acknowledged in our term. */
    Lsn acked = Lsn.INVALID;
    /** Highest commit LSN it reported. */
    Lsn knownCommit = Lsn.INVALID;
    /** Commit LSN last sent to it. */
    Lsn sentCommit = Lsn.INVALID;
    /** Write LSN of the last OUT_OF_ORDER refusal acted upon. */
    Lsn rewoundTo = Lsn.INVALID;
    /** Ticks since it last made progress. */
    int idleTicks;

    PeerProgress(int id) {
        this.id = id;
    }

    void reset() {
        stage = Stage.UNKNOWN;
        idleTicks = 0;
    }

    @Override
    public String toString() {
        return "sk" + id + "[" + stage + " next=" + nextSend + " acked=" + acked + " commit=" + knownCommit + "]";
    }
}
