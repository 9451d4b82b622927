package dev.cairn.local;

import dev.cairn.common.Backoff;

import java.time.Duration;

/**
 * How long to wait before restarting a component that died: {@code backoff} over its crashes in a row, which
 * start over once it had stayed up for {@code stableAfter}.
 */
public record RestartBackoff(Backoff backoff, Duration stableAfter) {
    public static final RestartBackoff DEFAULT = new RestartBackoff(
            Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofSeconds(60));

    /**
     * @param crashesInARow how many times it died without having run for {@code stableAfter}, this one included
     */
    public Duration delay(int crashesInARow) {
        return backoff.delay(crashesInARow);
    }

    /** Whether a run of this length resets the crash count. */
    public boolean wasStable(Duration uptime) {
        return uptime.compareTo(stableAfter) >= 0;
    }
}
