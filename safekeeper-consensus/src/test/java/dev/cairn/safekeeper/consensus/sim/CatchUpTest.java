package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.consensus.WalProposer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acceptor that comes back far behind is caught up from another acceptor's WAL without the proposer
 * holding that WAL: its window stays within its limit the whole time. (Holding it grew the window without
 * bound and ran a compute manager out of memory in a chaos soak.)
 */
class CatchUpTest {
    private static final long WINDOW = 64 * 1024;
    private static final int PIECE = 8 * 1024;

    @Test
    void aFarBehindAcceptorCatchesUpThroughABoundedWindow() {
        DirectCluster c = new DirectCluster(3);
        WalProposer p = c.proposer("p", WINDOW);
        p.campaign();
        c.settle();
        assertThat(p.phase()).isEqualTo(ProposerPhase.LEADING);

        c.online(0, 1); // acceptor 2 misses the next 4 MiB
        Random r = new Random(5);
        Lsn end = p.termStartLsn();
        for (int i = 0; i < 512; i++) {
            byte[] piece = new byte[PIECE];
            r.nextBytes(piece);
            p.appendWal(piece);
            end = end.plus(PIECE);
            c.settle();
            assertThat(p.logSize()).isLessThanOrEqualTo(WINDOW + PIECE);
        }
        assertThat(p.commitLsn()).isEqualTo(end);
        assertThat(c.flush(2)).isLessThan(end.plus(-3_000_000));

        c.online(0, 1, 2);
        for (int i = 0; i < 200 && !c.flush(2).equals(end); i++) {
            c.tick(p, 1);
            assertThat(p.logSize()).as("window while catching up").isLessThanOrEqualTo(WINDOW + PIECE);
        }
        assertThat(c.flush(2)).isEqualTo(end);
        assertThat(c.wal(2)).isEqualTo(c.wal(0));
    }
}
