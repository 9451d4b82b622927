package dev.cairn.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading pgbench's report: stdout (totals) followed by stderr (per-second progress). */
class PgbenchTest {
    private static final String OUTPUT = """
            number of transactions actually processed: 51234
            latency average = 0.312 ms
            tps = 12808.5 (without initial connection time)
            progress: 1.0 s, 6000.0 tps, lat 0.600 ms stddev 0.1, 0 failed
            progress: 2.0 s, 10000.0 tps, lat 0.400 ms stddev 0.1, 0 failed
            progress: 3.0 s, 14000.0 tps, lat 0.280 ms stddev 0.1, 0 failed
            progress: 4.0 s, 16000.0 tps, lat 0.250 ms stddev 0.1, 0 failed
            """;

    @Test
    void steadyThroughputAveragesOnlyTheSecondsAfterTheWarmUp() {
        assertThat(Pgbench.steadyTps(OUTPUT, 2)).isCloseTo(15000.0, within(0.001));
        assertThat(Pgbench.tps(OUTPUT)).isCloseTo(12808.5, within(0.001));
        assertThat(Pgbench.transactions(OUTPUT)).isEqualTo(51234);
    }

    @Test
    void aRunWithoutProgressReportsIsAnError() {
        assertThatThrownBy(() -> Pgbench.steadyTps("tps = 1.0 (without initial connection time)", 2))
                .hasMessageContaining("-P 1");
    }
}
