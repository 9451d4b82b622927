package dev.cairn.cli.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegressionSummaryTest {

    @Test
    void readsSerialAndParallelResultsAndTheSummary() {
        RegressionSummary s = RegressionSummary.parse("""
                test test_setup                   ... ok          367 ms
                test tablespace                   ... FAILED (test process exited with exit code 2)       15 ms
                parallel group (3 tests):  char boolean name
                     boolean                      ... ok          120 ms
                     char                         ... failed (ignored)       111 ms
                     name                         ... FAILED      142 ms

                =======================
                 3 of 5 tests failed, 1 of these failures ignored.
                =======================
                """);
        assertThat(s.tests()).isEqualTo(5);
        assertThat(s.failed()).containsExactlyInAnyOrder("char", "name", "tablespace");
        assertThat(s.passed()).isEqualTo(2);
    }

    @Test
    void allPassed() {
        RegressionSummary s = RegressionSummary.parse("""
                test read-only-anomaly            ... ok          653 ms
                test read-only-anomaly-2          ... ok          436 ms

                =======================
                 All 2 tests passed.\s
                =======================
                """);
        assertThat(s.failed()).isEmpty();
        assertThat(s.passed()).isEqualTo(2);
    }

    @Test
    void halvesAddUp() {
        RegressionSummary a = new RegressionSummary(3, java.util.Set.of("x"));
        RegressionSummary b = new RegressionSummary(4, java.util.Set.of("y", "z"));
        assertThat(a.plus(b)).isEqualTo(new RegressionSummary(7, java.util.Set.of("x", "y", "z")));
    }

    @Test
    void anOutputWithoutSummaryOrWithMissingResultsIsRefused() {
        assertThatThrownBy(() -> RegressionSummary.parse("test a ... ok 1 ms\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no summary line");
        assertThatThrownBy(() -> RegressionSummary.parse("test a ... ok 1 ms\n All 2 tests passed. \n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("summary says 2 tests but 1 results");
    }
}
