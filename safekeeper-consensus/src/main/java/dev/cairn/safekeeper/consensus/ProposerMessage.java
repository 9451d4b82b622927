package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

import java.util.Arrays;

/** Messages from a proposer to an acceptor. Every one names the proposer's term. */
public sealed interface ProposerMessage {
    long term();

    /** Asks for a vote in {@code term}; the answer carries the acceptor's log position either way. */
    record VoteRequest(long term) implements ProposerMessage {
    }

    /**
     * The proposer won {@code term} with log {@code history}; the acceptor truncates its WAL at
     * {@code startStreamingAt} (its highest common point with that history) and adopts the history.
     */
    record Elected(long term, Lsn startStreamingAt, TermHistory history) implements ProposerMessage {
    }

    /** WAL bytes {@code [begin, end)} of the proposer's log, plus its commit LSN. */
    record AppendRequest(long term, Lsn begin, Lsn end, Lsn commitLsn, Lsn peerHorizonLsn, byte[] data)
            implements ProposerMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof AppendRequest a && a.term == term && a.begin.equals(begin) && a.end.equals(end)
                    && a.commitLsn.equals(commitLsn) && a.peerHorizonLsn.equals(peerHorizonLsn)
                    && Arrays.equals(a.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(term) * 31 + begin.hashCode() * 17 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "AppendRequest[term=" + term + ", " + begin + ".." + end + ", commit=" + commitLsn
                    + ", horizon=" + peerHorizonLsn + ", " + data.length + " bytes]";
        }
    }

    /** Recovery read of {@code [begin, end)} from a donor that voted in {@code term}. */
    record ReadRequest(long term, Lsn begin, Lsn end) implements ProposerMessage {
    }
}
