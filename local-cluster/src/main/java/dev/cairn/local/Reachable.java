package dev.cairn.local;

import dev.cairn.common.Backoff;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Retries a call while the service refuses connections (it may still be starting), up to a deadline. */
final class Reachable {
    private static final Backoff POLL = Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(500));

    private Reachable() {
    }

    static <T> T within(Duration wait, Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (Exception e) {
                if (!refused(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                POLL.pause(attempt);
            }
        }
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
