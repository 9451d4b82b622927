package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

/** Messages from an acceptor to a proposer. {@code term()} is always the acceptor's current term. */
public sealed interface AcceptorMessage {
    long term();

    record VoteResponse(long term, boolean granted, Lsn flushLsn, Lsn commitLsn, Lsn peerHorizonLsn,
                        TermHistory history, Lsn timelineStartLsn) implements AcceptorMessage {
        /** The term of the last WAL the acceptor has. */
        public long lastLogTerm() {
            return history.upTo(flushLsn).lastTerm();
        }
    }

    /** Cumulative progress in {@code term}: answers every Elected and append handled so far. */
    record AppendResponse(long term, Lsn flushLsn, Lsn commitLsn, Lsn writeLsn) implements AcceptorMessage {
    }

    record WalData(long term, Lsn begin, byte[] data) implements AcceptorMessage {
        public Lsn end() {
            return begin.plus(data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WalData w && w.term == term && w.begin.equals(begin) && java.util.Arrays.equals(w.data, data);
        }

        @Override
        public int hashCode() {
            return begin.hashCode() * 31 + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "WalData[term=" + term + ", begin=" + begin + ", " + data.length + " bytes]";
        }
    }

    /** The request was refused and changed nothing persisted. */
    record Refusal(RefusalReason reason, long term, String message, Lsn flushLsn, Lsn writeLsn)
            implements AcceptorMessage {
    }
}
