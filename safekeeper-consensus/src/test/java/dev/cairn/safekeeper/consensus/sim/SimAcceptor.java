package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.Acceptor;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.AcceptorMessage.WalData;
import dev.cairn.safekeeper.consensus.AcceptorState;
import dev.cairn.safekeeper.consensus.StorageAction;
import dev.cairn.safekeeper.consensus.Step;

import java.util.random.RandomGenerator;

/** One acceptor process on a simulated disk: the pure {@link Acceptor} plus the storage it drives. */
final class SimAcceptor {
    final int id;
    final SimWal wal = new SimWal();
    AcceptorState durableState = AcceptorState.INITIAL;
    private Acceptor acceptor;

    SimAcceptor(int id) {
        this.id = id;
        restart();
    }

    boolean up() {
        return acceptor != null;
    }

    Acceptor acceptor() {
        return acceptor;
    }

    /** Applies the step's actions to the disk; returns the reply to send (null for none). */
    AcceptorMessage apply(Step step) {
        AcceptorMessage reply = step.reply();
        for (StorageAction a : step.actions()) {
            switch (a) {
                case StorageAction.PersistState p -> durableState = p.state();
                case StorageAction.TruncateWal t -> wal.truncate(t.end());
                case StorageAction.WriteWal w -> wal.write(w.begin(), w.data());
                case StorageAction.FlushWal f -> wal.flush();
                case StorageAction.ReadWal r -> reply = new WalData(r.term(), r.begin(), wal.read(r.begin(), r.end()));
            }
        }
        return reply;
    }

    void crash(RandomGenerator rng) {
        acceptor = null;
        wal.crash(rng);
    }

    void restart() {
        acceptor = new Acceptor(durableState, wal.durableEnd());
    }

    /** Commit LSN this acceptor claims: in memory when up, else what it persisted. */
    Lsn commitLsn() {
        return up() ? acceptor.commitLsn() : durableState.commitLsn();
    }
}
