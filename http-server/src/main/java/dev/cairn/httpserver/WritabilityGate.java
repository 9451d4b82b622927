package dev.cairn.httpserver;

import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocks a producer thread while its channel is not writable (more than the high water mark queued), and
 * wakes it when the channel drains or closes. The channel's handler calls {@link #changed} from
 * {@code channelWritabilityChanged} and {@code channelInactive}.
 */
final class WritabilityGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    void changed() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns once {@code channel} is writable; throws when it is closed (the client went away). */
    void awaitWritable(Channel channel) throws IOException {
        if (channel.isWritable()) {
            return;
        }
        lock.lock();
        try {
            while (!channel.isWritable()) {
                if (!channel.isActive()) {
                    throw new ClosedByPeerException();
                }
                // the timeout only guards against a missed wake-up; changed() is the normal path
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the client to read");
        } finally {
            lock.unlock();
        }
    }

    /** The connection closed while a response was being written. */
    static final class ClosedByPeerException extends IOException {
        ClosedByPeerException() {
            super("the connection closed while the response was being written");
        }
    }
}
