package dev.cairn.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry delay of Cairn: capped exponential backoff, doubling from {@code initial} up to {@code max},
 * with optional jitter (a uniform delay in the upper half, so that peers retrying together spread out).
 */
public record Backoff(Duration initial, Duration max, boolean jitter) {
    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    /** Without jitter. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, false);
    }

    /** With jitter. */
    public static Backoff jittered(Duration initial, Duration max) {
        return new Backoff(initial, max, true);
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(Math.max(attempt, 1) - 1, 30));
        if (!jitter || cap <= 1) {
            return Duration.ofMillis(cap);
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    /** Sleeps {@link #delay(int)}. */
    public void pause(int attempt) throws InterruptedException {
        Thread.sleep(delay(attempt));
    }
}
