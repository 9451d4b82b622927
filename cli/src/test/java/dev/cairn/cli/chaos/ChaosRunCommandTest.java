package dev.cairn.cli.chaos;

import dev.cairn.local.EphemeralPortRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosRunCommandTest {
    @Test
    void theDefaultPortsAreOutsideLinuxsDefaultEphemeralRange() {
        int base = Integer.parseInt(ChaosRunCommand.DEFAULT_PORT);
        assertThat(new EphemeralPortRange(32768, 60999).overlaps(base, base + 26)).isFalse();
    }

    @Test
    void durationsAreSecondsMinutesOrHours() {
        assertThat(ChaosRunCommand.duration("90s", "--time")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChaosRunCommand.duration("30m", "--time")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ChaosRunCommand.duration("2h", "--time")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> ChaosRunCommand.duration("30 minutes", "--time"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--time").hasMessageContaining("30 minutes");
    }
}
