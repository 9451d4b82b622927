package dev.cairn.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    @Test
    void doublesUpToTheCap() {
        Backoff b = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5));
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.delay(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(1000)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(0)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void jitterStaysInTheUpperHalf() {
        Backoff b = Backoff.jittered(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(b.delay(3).toMillis()).isBetween(200L, 400L);
            assertThat(b.delay(30).toMillis()).isBetween(500L, 1000L);
        }
    }

    @Test
    void refusesAnInvertedRange() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial <= max");
    }
}
