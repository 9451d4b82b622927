package dev.cairn.local;

import java.time.Duration;

/**
 * How long to wait before restarting a component that died: doubling from {@code initial} up to {@code max}
 * for crashes in a row, back to {@code initial} once it had stayed up for {@code stableAfter}.
 */
public record RestartBackoff(Duration initial, Duration max, Duration stableAfter) {
    public static final RestartBackoff DEFAULT = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    /**
     * @param crashesInARow how many times it died without having run for {@code stableAfter}, this one included
     */
    public Duration delay(int crashesInARow) {
        if (crashesInARow <= 1) {
            return initial;
        }
        long millis = initial.toMillis() << Math.min(crashesInARow - 1, 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** Whether a run of this length resets the crash count. */
    public boolean wasStable(Duration uptime) {
        return uptime.compareTo(stableAfter) >= 0;
    }
}
