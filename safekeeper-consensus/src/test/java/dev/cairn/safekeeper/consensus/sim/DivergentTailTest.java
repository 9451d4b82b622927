package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.consensus.RefusalReason;
import dev.cairn.safekeeper.consensus.WalProposer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.cairn.safekeeper.consensus.sim.Simulation.TIMELINE_START;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios of Neon's safekeeper-protocol document, with records R1.. of 16 bytes each:
 * <pre>
 *   S1: R1(a)
 *   S2: R1(a) R2(b)
 *   S3: R1(a) R2(b) R3(c) R4(d)   offline, all term 1
 * </pre>
 */
class DivergentTailTest {
    private static final int R = 16;

    private static byte[] rec(char c) {
        return String.valueOf(c).repeat(R).getBytes(StandardCharsets.US_ASCII);
    }

    private static Lsn end(int records) {
        return TIMELINE_START.plus((long) records * R);
    }

    /** Builds the document's starting state with a term-1 proposer and returns the cluster. */
    private static DirectCluster documentStart() {
        DirectCluster c = new DirectCluster(3);
        WalProposer p1 = c.proposer("p1");
        p1.campaign();
        c.settle();
        assertThat(p1.phase()).isEqualTo(ProposerPhase.LEADING);
        assertThat(p1.term()).isEqualTo(1);
        p1.appendWal(rec('a'));
        c.settle();
        c.online(1, 2);
        p1.appendWal(rec('b'));
        c.settle();
        c.online(2);
        p1.appendWal(rec('c'));
        p1.appendWal(rec('d'));
        c.settle();
        assertThat(c.flush(0)).isEqualTo(end(1));
        assertThat(c.flush(1)).isEqualTo(end(2));
        assertThat(c.flush(2)).isEqualTo(end(4));
        assertThat(p1.commitLsn()).isEqualTo(end(2)); // R2 is on S2 and S3: committed
        return c;
    }

    @Test
    void offlineAcceptorWithLongerOlderTermLogIsTruncatedNotTrusted() {
        DirectCluster c = documentStart();
        // S3 offline; the new proposer is elected by S1, S2 and takes S2's log as base.
        c.online(0, 1);
        WalProposer p2 = c.proposer("p2");
        p2.campaign(2);
        c.settle();
        assertThat(p2.phase()).isEqualTo(ProposerPhase.LEADING);
        assertThat(p2.term()).isEqualTo(2);
        assertThat(p2.termStartLsn()).isEqualTo(end(2));
        p2.appendWal(rec('e'));
        c.settle();
        assertThat(c.wal(0)).isEqualTo(c.wal(1)); // S1 caught up R2 from the donor, then got R3(e)
        assertThat(p2.commitLsn()).isEqualTo(end(3));

        // Next compute: S3 is back and longer (R4), but its last term is 1 < 2: it must lose to S2.
        c.online(1, 2);
        WalProposer p3 = c.proposer("p3");
        p3.campaign(p2.term() + 1);
        c.settle();
        assertThat(p3.phase()).isEqualTo(ProposerPhase.LEADING);
        assertThat(p3.donor()).isEqualTo(1);
        assertThat(p3.termStartLsn()).isEqualTo(end(3));
        c.tick(p3, 3);
        assertThat(c.wal(2)).isEqualTo(c.wal(1));
        assertThat(new String(c.wal(2), StandardCharsets.US_ASCII))
                .isEqualTo("a".repeat(R) + "b".repeat(R) + "e".repeat(R)); // R3(c), R4(d) cut
        assertThat(p3.commitLsn()).isEqualTo(end(3));
    }

    @Test
    void crashBeforeNewTermWroteAnythingStillPrefersTheNewTermHistory() {
        DirectCluster c = documentStart();
        c.online(0, 1);
        WalProposer p2 = c.proposer("p2");
        p2.campaign(2);
        c.settle(); // S1 and S2 adopt term 2 starting at R2's end; S1 caught up; no new WAL
        assertThat(c.flush(0)).isEqualTo(end(2));
        // p2's compute dies. S1 and S3 elect the next proposer: S1's last log term is 2 (its WAL reaches
        // the switch point), S3's is 1, so S1's log is the base and S3's tail R3(c) R4(d) goes.
        c.online(0, 2);
        WalProposer p3 = c.proposer("p3");
        p3.campaign(3);
        c.settle();
        assertThat(p3.donor()).isEqualTo(0);
        assertThat(c.flush(2)).isEqualTo(end(2));
        assertThat(c.wal(2)).isEqualTo(c.wal(0));
    }

    @Test
    void electedNeverDeliveredLeavesTheLongerOldTermLogAsBase() {
        DirectCluster c = documentStart();
        // p2 wins votes from S1 and S2 but its Elected messages are lost (S1, S2 drop off right after).
        c.online(0, 1);
        WalProposer p2 = c.proposer("p2");
        p2.campaign(2);
        c.online();
        c.settle();
        // S1 and S3 elect p3: neither adopted term 2 WAL, so S3 (term 1, R4) is the most advanced and its
        // uncommitted tail survives — which is safe: only R1, R2 were ever acknowledged.
        c.online(0, 2);
        WalProposer p3 = c.proposer("p3");
        p3.campaign(3);
        c.settle();
        assertThat(p3.phase()).isEqualTo(ProposerPhase.LEADING);
        assertThat(p3.donor()).isEqualTo(2);
        assertThat(c.wal(0)).isEqualTo(c.wal(2));
        assertThat(new String(c.wal(0), StandardCharsets.US_ASCII)).isEqualTo("abcd".chars()
                .mapToObj(ch -> String.valueOf((char) ch).repeat(R)).reduce("", String::concat));
    }

    @Test
    void laterTermFencesTheEarlierProposerAndKeepsWhatItAcknowledged() {
        DirectCluster c = new DirectCluster(3);
        WalProposer old = c.proposer("old");
        old.campaign();
        c.settle();
        old.appendWal(rec('a'));
        c.settle();
        Lsn acknowledged = old.commitLsn();
        assertThat(acknowledged).isEqualTo(end(1));

        WalProposer next = c.proposer("next");
        next.campaign(old.term() + 1);
        c.settle();
        assertThat(next.phase()).isEqualTo(ProposerPhase.LEADING);

        old.appendWal(rec('x')); // the old compute keeps writing: refused everywhere, never committed
        c.settle();
        assertThat(old.phase()).isEqualTo(ProposerPhase.FENCED);
        assertThat(old.commitLsn()).isEqualTo(acknowledged);
        assertThat(old.refusals()).containsKey(RefusalReason.STALE_TERM);

        next.appendWal(rec('b'));
        c.settle();
        for (int i = 0; i < 3; i++) {
            assertThat(new String(c.wal(i), StandardCharsets.US_ASCII)).isEqualTo("a".repeat(R) + "b".repeat(R));
        }
    }
}
