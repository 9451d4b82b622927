package dev.cairn.chaos.workload;

import dev.cairn.chaos.history.OpType;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeClassifierTest {
    private static SQLException state(String s) {
        return new SQLException("x", s);
    }

    @Test
    void aBrokenConnectionDuringCommitIsUnknown() {
        assertThat(OutcomeClassifier.classify(state("08006"), true, false)).isEqualTo(OpType.INFO);
        assertThat(OutcomeClassifier.classify(state("57P01"), true, false)).isEqualTo(OpType.INFO);
        assertThat(OutcomeClassifier.classify(state(null), true, false)).isEqualTo(OpType.INFO);
        assertThat(OutcomeClassifier.classify(state("XX000"), true, false)).isEqualTo(OpType.INFO);
    }

    @Test
    void rollbacksReportedByPostgresAndErrorsBeforeCommitAreFailures() {
        assertThat(OutcomeClassifier.classify(state("40001"), true, false)).isEqualTo(OpType.FAIL);
        assertThat(OutcomeClassifier.classify(state("40P01"), true, false)).isEqualTo(OpType.FAIL);
        assertThat(OutcomeClassifier.classify(state("23505"), true, false)).isEqualTo(OpType.FAIL);
        assertThat(OutcomeClassifier.classify(state("08006"), false, false)).isEqualTo(OpType.FAIL);
    }

    @Test
    void aFailedReadChangedNothing() {
        assertThat(OutcomeClassifier.classify(state("08006"), true, true)).isEqualTo(OpType.FAIL);
    }
}
