package dev.cairn.kms.provider;

import dev.cairn.common.Backoff;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries transient KMS failures ({@link KmsTransientException}) with capped exponential backoff and
 * full jitter. Revocations and rejections are never retried.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public static RetryPolicy once() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    public <T> T call(String what, Supplier<T> call) {
        KmsTransientException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                return call.get();
            } catch (KmsTransientException e) {
                last = e;
                if (attempt == maxAttempts) {
                    break;
                }
                long delay = backoffMillis(attempt);
                LOG.warn("{} failed transiently (attempt {}/{}), retrying in {} ms: {}",
                        what, attempt, maxAttempts, delay, e.getMessage());
                sleep(delay);
            }
        }
        throw last;
    }

    long backoffMillis(int attempt) {
        return Backoff.jittered(initialBackoff, maxBackoff).delay(attempt).toMillis();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a KMS call", e);
        }
    }
}
