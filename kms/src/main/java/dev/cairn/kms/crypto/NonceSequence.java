package dev.cairn.kms.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nonces for one DEK in one process. Nonce strategy (96 bits):
 * <pre>   nonce = prefix (32 bits, random per writer) || counter (64 bits)</pre>
 * The counter never repeats for a DEK: before a writer uses counters it reserves a block of them by
 * persisting the block's end in the keyring ({@link Reserver}); after a crash the next writer starts at
 * the persisted end, skipping whatever the crashed writer might have used. The random prefix, fresh for
 * every writer, is a second line of defence (e.g. against a keyring restored from an old backup).
 *
 * <p>Hard limit: a DEK seals at most {@code limit} messages (default 2^32, far inside GCM's bounds);
 * then {@link #next} throws {@link Exhausted} and new data must go to a new DEK.
 */
public final class NonceSequence {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Persists a reservation: every counter below {@code newEnd} may now be in use. */
    @FunctionalInterface
    public interface Reserver {
        void reserveUpTo(long newEnd);
    }

    /** The DEK has used its message budget. */
    public static final class Exhausted extends Exception {
        public Exhausted(long limit) {
            super("message limit " + limit + " reached", null, false, false);
        }
    }

    private final int prefix;
    private final long limit;
    private final long block;
    private final AtomicLong next;
    private volatile long reservedEnd;

    /** @param persistedEnd the reservation end recorded in the keyring (the first never-used counter) */
    public NonceSequence(long persistedEnd, long limit, long block) {
        if (block <= 0 || limit <= 0) {
            throw new IllegalArgumentException("block and limit must be positive");
        }
        this.prefix = RANDOM.nextInt();
        this.limit = limit;
        this.block = block;
        this.next = new AtomicLong(persistedEnd);
        this.reservedEnd = persistedEnd;
    }

    /** The next unique nonce; may call {@code reserver} to persist a new block first. */
    public byte[] next(Reserver reserver) throws Exhausted {
        while (true) {
            long c = next.get();
            if (c >= limit) {
                throw new Exhausted(limit);
            }
            if (c < reservedEnd) {
                if (next.compareAndSet(c, c + 1)) {
                    return ByteBuffer.allocate(AesGcm.NONCE_LENGTH).putInt(prefix).putLong(c).array();
                }
                continue;
            }
            synchronized (this) {
                if (next.get() >= reservedEnd && reservedEnd < limit) {
                    long end = Math.min(limit, reservedEnd + block);
                    reserver.reserveUpTo(end);
                    reservedEnd = end;
                }
            }
        }
    }

    /** Counters handed out or reserved so far (an upper bound of messages sealed). */
    public long used() {
        return next.get();
    }

    public long limit() {
        return limit;
    }
}
