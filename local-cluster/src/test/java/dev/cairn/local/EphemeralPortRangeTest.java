package dev.cairn.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EphemeralPortRangeTest {
    @Test
    void parsesTheKernelsFormatAndWarnsOnlyForOverlappingPorts() {
        EphemeralPortRange linux = EphemeralPortRange.parse("32768\t60999\n");
        assertThat(linux).isEqualTo(new EphemeralPortRange(32768, 60999));
        assertThat(linux.warningFor(15432, 15462)).isEmpty();
        assertThat(linux.warningFor(32700, 32768)).isPresent();
        assertThat(linux.warningFor(55432, 55462)).get().asString()
                .contains("55432-55462").contains("32768-60999");
        assertThat(linux.warningFor(61000, 61030)).isEmpty();
    }

    @Test
    void refusesWhatIsNotARange() {
        assertThatThrownBy(() -> EphemeralPortRange.parse("32768")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two port numbers");
    }

    @Test
    void theLocalClustersDefaultPortsAreOutsideLinuxsDefaultRange() {
        EphemeralPortRange linux = new EphemeralPortRange(32768, 60999);
        int local = LocalStartCommand.DEFAULT_PORT;
        assertThat(linux.overlaps(local, local + 26)).as("local cluster, with chaos relays").isFalse();

    }
}
