package dev.cairn.local;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Retries a call while the service refuses connections (it may still be starting), up to a deadline. */
final class Reachable {
    private Reachable() {
    }

    static <T> T within(Duration wait, Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (Exception e) {
                if (!refused(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
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
