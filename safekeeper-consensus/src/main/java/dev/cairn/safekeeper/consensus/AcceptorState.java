package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

/**
 * The persistent consensus state of one acceptor for one timeline. The flush LSN is deliberately not
 * here: it is a property of the WAL on disk and is recovered by validating it, so a state file can never
 * claim WAL that is not there.
 *
 * @param term             highest term voted for (or followed); never decreases
 * @param history          term switches of the WAL, adopted from the elected proposer; may run ahead of the WAL
 * @param timelineStartLsn where the timeline's WAL begins (0 until the first Elected)
 * @param commitLsn        highest LSN known committed and present here (persisted lazily, may lag)
 * @param peerHorizonLsn   WAL below it is on every acceptor (persisted lazily)
 */
public record AcceptorState(long term, TermHistory history, Lsn timelineStartLsn, Lsn commitLsn, Lsn peerHorizonLsn) {
    public static final AcceptorState INITIAL =
            new AcceptorState(0, TermHistory.EMPTY, Lsn.INVALID, Lsn.INVALID, Lsn.INVALID);

    public AcceptorState {
        if (term < 0) {
            throw new IllegalArgumentException("negative term " + term);
        }
        if (history == null || timelineStartLsn == null || commitLsn == null || peerHorizonLsn == null) {
            throw new IllegalArgumentException("acceptor state fields are required");
        }
        if (history.lastTerm() > term) {
            throw new IllegalArgumentException("history term " + history.lastTerm() + " above term " + term);
        }
    }

    public AcceptorState withTerm(long t) {
        return new AcceptorState(t, history, timelineStartLsn, commitLsn, peerHorizonLsn);
    }

    public AcceptorState withElected(long t, TermHistory h) {
        Lsn start = timelineStartLsn.isValid() ? timelineStartLsn : h.first().lsn();
        return new AcceptorState(t, h, start, commitLsn, peerHorizonLsn);
    }

    public AcceptorState withProgress(Lsn commit, Lsn horizon) {
        return new AcceptorState(term, history, timelineStartLsn, commit, horizon);
    }
}
