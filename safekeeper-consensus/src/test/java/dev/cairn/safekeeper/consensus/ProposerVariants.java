package dev.cairn.safekeeper.consensus;

import dev.cairn.safekeeper.consensus.sim.Simulation;

import java.util.Comparator;

/** The real proposer and deliberately broken ones, to prove the simulation catches real bugs. */
public final class ProposerVariants {
    private ProposerVariants() {
    }

    public static final Simulation.ProposerFactory CORRECT = WalProposer::new;

    /** Planted bug: counts a commit once a single acceptor (a minority) fsynced it. */
    public static final Simulation.ProposerFactory COMMIT_ON_MINORITY = (c, t) -> new WalProposer(c, t, new Quorum() {
        @Override
        public int votesNeeded(int n) {
            return n / 2 + 1;
        }

        @Override
        public int acksNeeded(int n) {
            return 1;
        }
    }, WalProposer.MOST_ADVANCED);

    /** Planted bug: trusts the longest log regardless of its term (Neon's divergent-tail trap). */
    public static final Simulation.ProposerFactory DONOR_BY_FLUSH_ONLY = (c, t) -> new WalProposer(c, t,
            Quorum.MAJORITY, Comparator.comparing(AcceptorMessage.VoteResponse::flushLsn));
}
