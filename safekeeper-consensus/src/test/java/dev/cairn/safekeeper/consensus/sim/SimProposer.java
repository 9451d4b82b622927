package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.consensus.WalProposer;

import java.util.Arrays;

/**
 * One proposer incarnation (one compute's life) and a record of its full log: the base it was elected
 * with (the donor's WAL when it voted) followed by the WAL its compute generated.
 */
final class SimProposer {
    final int incarnation;
    final WalProposer proposer;
    private byte[] log = new byte[0];
    private int length;
    private boolean based;
    Lsn acknowledged = Lsn.INVALID;

    SimProposer(int incarnation, WalProposer proposer) {
        this.incarnation = incarnation;
        this.proposer = proposer;
    }

    boolean based() {
        return based;
    }

    /** Called once when it starts leading, with the donor's WAL from the timeline start to the term start. */
    void base(byte[] donorWal, int baseLength) {
        log = Arrays.copyOf(donorWal, Math.max(64, baseLength * 2));
        length = baseLength;
        based = true;
    }

    void generated(byte[] data) {
        if (length + data.length > log.length) {
            log = Arrays.copyOf(log, Math.max(log.length * 2, length + data.length));
        }
        System.arraycopy(data, 0, log, length, data.length);
        length += data.length;
    }

    byte[] log() {
        return log;
    }

    int logLength() {
        return length;
    }

    boolean leading() {
        return proposer.phase() == ProposerPhase.LEADING;
    }

    @Override
    public String toString() {
        return "proposer#" + incarnation + "(term " + proposer.term() + ", " + proposer.phase() + ")";
    }
}
