package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TermHistoryTest {
    private static TermHistory h(long... termLsn) {
        TermHistory r = TermHistory.EMPTY;
        for (int i = 0; i < termLsn.length; i += 2) {
            r = r.with(termLsn[i], Lsn.of(termLsn[i + 1]));
        }
        return r;
    }

    @Test
    void noCommonTerm() {
        assertThat(TermHistory.highestCommonPoint(h(2, 100), h(1, 100), Lsn.of(300))).isEmpty();
        assertThat(TermHistory.highestCommonPoint(h(1, 100), TermHistory.EMPTY, Lsn.INVALID)).isEmpty();
    }

    @Test
    void commonTermEndsWhereEitherSideSwitched() {
        // proposer: 1@100, 2@200, 4@300; acceptor: 1@100, 2@200, 3@250, wal to 400 -> term 2 ends at min(300, 250)
        assertThat(TermHistory.highestCommonPoint(h(1, 100, 2, 200, 4, 300), h(1, 100, 2, 200, 3, 250), Lsn.of(400)))
                .contains(new TermLsn(2, Lsn.of(250)));
        // acceptor's WAL ends inside the common term
        assertThat(TermHistory.highestCommonPoint(h(1, 100, 2, 200, 4, 300), h(1, 100, 2, 200), Lsn.of(220)))
                .contains(new TermLsn(2, Lsn.of(220)));
        // acceptor's longer log of the common term is cut where the proposer switched
        assertThat(TermHistory.highestCommonPoint(h(1, 100, 4, 300), h(1, 100), Lsn.of(500)))
                .contains(new TermLsn(1, Lsn.of(300)));
    }

    @Test
    void proposersLastTermIsOpenEnded() {
        assertThat(TermHistory.highestCommonPoint(h(1, 100, 5, 300), h(1, 100, 5, 300), Lsn.of(900)))
                .contains(new TermLsn(5, Lsn.of(900)));
    }

    @Test
    void sameTermDifferentStartIsAConflict() {
        assertThatThrownBy(() -> TermHistory.highestCommonPoint(h(1, 100, 2, 200), h(1, 100, 2, 210), Lsn.of(300)))
                .isInstanceOf(HistoryConflictException.class).hasMessageContaining("term 2");
    }

    @Test
    void upToKeepsSwitchesAtOrBeforeTheLsn() {
        TermHistory x = h(1, 100, 2, 200, 3, 300);
        assertThat(x.upTo(Lsn.of(200)).entries()).hasSize(2);
        assertThat(x.upTo(Lsn.of(199)).lastTerm()).isEqualTo(1);
        assertThat(x.upTo(Lsn.of(50)).isEmpty()).isTrue();
    }

    @Test
    void shapeIsValidated() {
        assertThatThrownBy(() -> new TermHistory(List.of(new TermLsn(2, Lsn.of(100)), new TermLsn(2, Lsn.of(200)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TermHistory(List.of(new TermLsn(1, Lsn.of(200)), new TermLsn(2, Lsn.of(100)))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
