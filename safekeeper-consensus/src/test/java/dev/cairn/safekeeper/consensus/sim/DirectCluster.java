package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.ProposerMessage;
import dev.cairn.safekeeper.consensus.WalProposer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Acceptors and proposers wired by an in-order queue, for scripted scenarios: take acceptors offline,
 * let messages flow until nothing moves, look at every WAL.
 */
final class DirectCluster {
    private record Msg(WalProposer proposer, int acceptor, Object message, boolean toAcceptor) {
    }

    final SimAcceptor[] acceptors;
    private final boolean[] online;
    private final Deque<Msg> queue = new ArrayDeque<>();

    DirectCluster(int n) {
        acceptors = new SimAcceptor[n];
        online = new boolean[n];
        for (int i = 0; i < n; i++) {
            acceptors[i] = new SimAcceptor(i);
            online[i] = true;
        }
    }

    void online(int... ids) {
        Arrays.fill(online, false);
        for (int id : ids) {
            online[id] = true;
        }
    }

    WalProposer proposer(String name) {
        return proposer(name, 1 << 20);
    }

    /** A proposer whose window keeps at most {@code maxBufferBytes} of committed WAL. */
    WalProposer proposer(String name, long maxBufferBytes) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < acceptors.length; i++) {
            ids.add(i);
        }
        WalProposer[] self = new WalProposer[1];
        self[0] = new WalProposer(new WalProposer.Config(name, ids, Simulation.TIMELINE_START, 1024, 1 << 20, maxBufferBytes, 2),
                (acceptor, m) -> queue.add(new Msg(self[0], acceptor, m, true)));
        return self[0];
    }

    /** Delivers until quiet; offline acceptors lose what is sent to them. Appends are flushed at once. */
    void settle() {
        int guard = 0;
        while (!queue.isEmpty()) {
            if (++guard > 100_000) {
                throw new IllegalStateException("no quiescence");
            }
            Msg m = queue.poll();
            if (!online[m.acceptor]) {
                continue;
            }
            if (!m.toAcceptor) {
                m.proposer.receive(m.acceptor, (AcceptorMessage) m.message);
                continue;
            }
            SimAcceptor a = acceptors[m.acceptor];
            AcceptorMessage reply = a.apply(a.acceptor().handle((ProposerMessage) m.message));
            if (reply == null && a.acceptor().flushPending()) {
                reply = a.apply(a.acceptor().flush());
            }
            if (reply != null) {
                queue.add(new Msg(m.proposer, m.acceptor, reply, false));
            }
        }
    }

    /** Ticks the proposer a few times, settling in between (retransmissions to returning acceptors). */
    void tick(WalProposer p, int times) {
        for (int i = 0; i < times; i++) {
            p.tick();
            settle();
        }
    }

    byte[] wal(int id) {
        return acceptors[id].wal.durableBytes();
    }

    Lsn flush(int id) {
        return acceptors[id].wal.durableEnd();
    }
}
