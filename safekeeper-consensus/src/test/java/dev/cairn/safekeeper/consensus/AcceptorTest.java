package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorMessage.AppendResponse;
import dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal;
import dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse;
import dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.Elected;
import dev.cairn.safekeeper.consensus.ProposerMessage.ReadRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.VoteRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Request rules of one acceptor; every refusal must leave state and storage untouched. */
class AcceptorTest {
    private static final Lsn S = Lsn.of(0x1000000);

    /** An acceptor that voted for term 3 and accepted its Elected at S, with 100 bytes appended and flushed. */
    private static Acceptor leaderOf3() {
        Acceptor a = new Acceptor(AcceptorState.INITIAL, Lsn.INVALID);
        assertThat(((VoteResponse) a.handle(new VoteRequest(3)).reply()).granted()).isTrue();
        Step e = a.handle(new Elected(3, S, TermHistory.of(new TermLsn(3, S))));
        assertThat(e.reply()).isInstanceOf(AppendResponse.class);
        assertThat(a.handle(append(3, S, 100, S)).reply()).isNull();
        Step f = a.flush();
        assertThat(f.actions().getFirst()).isEqualTo(new StorageAction.FlushWal());
        assertThat(((AppendResponse) f.reply()).flushLsn()).isEqualTo(S.plus(100));
        return a;
    }

    private static AppendRequest append(long term, Lsn begin, int n, Lsn commit) {
        return new AppendRequest(term, begin, begin.plus(n), commit, Lsn.INVALID, new byte[n]);
    }

    private static void assertRefusedWithoutEffect(Acceptor a, ProposerMessage m, RefusalReason reason) {
        AcceptorState before = a.state();
        Lsn write = a.writeLsn();
        Lsn flush = a.flushLsn();
        Step s = a.handle(m);
        assertThat(s.actions()).as("actions for %s", m).isEmpty();
        assertThat(s.reply()).isInstanceOf(Refusal.class);
        Refusal r = (Refusal) s.reply();
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        assertThat(r.term()).isEqualTo(a.term());
        assertThat(a.state()).isEqualTo(before);
        assertThat(a.writeLsn()).isEqualTo(write);
        assertThat(a.flushLsn()).isEqualTo(flush);
    }

    @Test
    void votesOnlyForNewerTermsAndPersistsBeforeAnswering() {
        Acceptor a = leaderOf3();
        Step same = a.handle(new VoteRequest(3));
        assertThat(((VoteResponse) same.reply()).granted()).isFalse();
        assertThat(same.actions()).isEmpty();
        Step newer = a.handle(new VoteRequest(4));
        VoteResponse v = (VoteResponse) newer.reply();
        assertThat(v.granted()).isTrue();
        assertThat(v.flushLsn()).isEqualTo(S.plus(100));
        assertThat(v.lastLogTerm()).isEqualTo(3);
        assertThat(newer.actions()).containsExactly(new StorageAction.PersistState(a.state()));
    }

    @Test
    void voteFlushesPendingWalFirst() {
        Acceptor a = leaderOf3();
        a.handle(append(3, S.plus(100), 10, S));
        Step v = a.handle(new VoteRequest(9));
        assertThat(v.actions().getFirst()).isEqualTo(new StorageAction.FlushWal());
        assertThat(((VoteResponse) v.reply()).flushLsn()).isEqualTo(S.plus(110));
    }

    @Test
    void staleTermIsRefusedWithTheNewerTerm() {
        Acceptor a = leaderOf3();
        a.handle(new VoteRequest(5));
        assertRefusedWithoutEffect(a, append(3, S.plus(100), 10, S), RefusalReason.STALE_TERM);
        assertRefusedWithoutEffect(a, new Elected(4, S, TermHistory.of(new TermLsn(4, S))), RefusalReason.STALE_TERM);
        assertRefusedWithoutEffect(a, new ReadRequest(3, S, S.plus(10)), RefusalReason.STALE_TERM);
    }

    @Test
    void malformedOversizedAndOutOfOrderAppendsAreRefused() {
        Acceptor a = leaderOf3();
        assertRefusedWithoutEffect(a, new AppendRequest(3, S.plus(100), S.plus(200), S, Lsn.INVALID, new byte[5]),
                RefusalReason.MALFORMED);
        assertRefusedWithoutEffect(a, append(3, S.plus(100), Acceptor.MAX_WAL_PER_MESSAGE + 1, S), RefusalReason.TOO_LARGE);
        assertRefusedWithoutEffect(a, append(3, S.plus(150), 10, S), RefusalReason.OUT_OF_ORDER); // gap
        assertRefusedWithoutEffect(a, append(3, S.plus(50), 10, S), RefusalReason.OUT_OF_ORDER);  // rewrite
        assertRefusedWithoutEffect(a, append(0, S.plus(100), 10, S), RefusalReason.MALFORMED);
    }

    @Test
    void appendBeforeElectedOfItsTermIsRefused() {
        Acceptor a = leaderOf3();
        a.handle(new VoteRequest(4));
        assertRefusedWithoutEffect(a, append(4, S.plus(100), 10, S), RefusalReason.NOT_ELECTED);
        assertRefusedWithoutEffect(a, append(7, S.plus(100), 10, S), RefusalReason.NOT_ELECTED);
    }

    @Test
    void electedWithStaleTruncationPointOrCuttingCommittedWalIsRefused() {
        Acceptor a = leaderOf3();
        a.handle(append(3, S.plus(100), 0, S.plus(80)));
        a.flush(); // commit LSN 80 bytes in
        a.handle(new VoteRequest(4));
        TermHistory h4 = TermHistory.of(new TermLsn(3, S), new TermLsn(4, S.plus(100)));
        assertRefusedWithoutEffect(a, new Elected(4, S.plus(40), h4), RefusalReason.BAD_TRUNCATION_POINT);
        // A forged history whose term 3 ends at 50: the truncation would cut committed WAL.
        TermHistory forged = TermHistory.of(new TermLsn(3, S), new TermLsn(4, S.plus(50)));
        assertRefusedWithoutEffect(a, new Elected(4, S.plus(50), forged), RefusalReason.WOULD_TRUNCATE_COMMITTED);
        assertRefusedWithoutEffect(a, new Elected(4, S, TermHistory.of(new TermLsn(3, S))), RefusalReason.MALFORMED);
    }

    @Test
    void electedTruncatesDivergentTailAndAdoptsHistory() {
        Acceptor a = leaderOf3();
        a.handle(new VoteRequest(6));
        TermHistory h6 = TermHistory.of(new TermLsn(3, S), new TermLsn(6, S.plus(60)));
        Step s = a.handle(new Elected(6, S.plus(60), h6));
        assertThat(s.actions()).containsExactly(new StorageAction.TruncateWal(S.plus(60)),
                new StorageAction.PersistState(a.state()));
        assertThat(a.flushLsn()).isEqualTo(S.plus(60));
        assertThat(a.state().history()).isEqualTo(h6);
        assertThat(a.lastLogTerm()).isEqualTo(6);
    }

    @Test
    void commitNeverRunsAheadOfFlushedWal() {
        Acceptor a = leaderOf3();
        a.handle(append(3, S.plus(100), 10, S.plus(500)));
        assertThat(((AppendResponse) a.flush().reply()).commitLsn()).isEqualTo(S.plus(110));
        assertThat(a.checkpoint().actions()).hasSize(1);
        assertThat(a.checkpoint().isEmpty()).isTrue();
    }

    @Test
    void readsServeOnlyFlushedWalInTheVotedTerm() {
        Acceptor a = leaderOf3();
        assertThat(a.handle(new ReadRequest(3, S, S.plus(100))).actions())
                .containsExactly(new StorageAction.ReadWal(3, S, S.plus(100)));
        assertRefusedWithoutEffect(a, new ReadRequest(3, S, S.plus(101)), RefusalReason.UNAVAILABLE);
        assertRefusedWithoutEffect(a, new ReadRequest(4, S, S.plus(10)), RefusalReason.NOT_ELECTED);
        assertRefusedWithoutEffect(a, new ReadRequest(3, S.plus(10), S), RefusalReason.MALFORMED);
    }
}
