package dev.cairn.pageserver.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands full buffers to a thread of its own that writes them to {@code out}, so the producer (a basebackup
 * reading, decrypting and decompressing pages) never waits in a socket write: on a loopback connection
 * the write itself copies the bytes into the reader's socket, a third of a basebackup's time.
 * At most {@code depth} buffers are in flight; the first write error fails every later write and close.
 */
final class HandOffOutputStream extends OutputStream {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue;
    /** Full-size buffers the writer is done with, for the producer to fill again instead of allocating. */
    private final BlockingQueue<byte[]> spare;
    private final Thread writer;
    private final int bufferSize;
    private byte[] buffer;
    private int filled;
    private volatile IOException failure;
    private boolean closed;

    HandOffOutputStream(OutputStream out, int bufferSize, int depth, String name) {
        this.bufferSize = bufferSize;
        this.buffer = new byte[bufferSize];
        this.queue = new ArrayBlockingQueue<>(depth);
        this.spare = new ArrayBlockingQueue<>(depth + 1);
        this.writer = Thread.ofPlatform().daemon().name(name).start(() -> drain(out));
    }

    private void drain(OutputStream out) {
        try {
            for (byte[] b = queue.take(); b != END; b = queue.take()) {
                out.write(b);
                if (b.length == bufferSize) {
                    spare.offer(b);
                }
            }
            out.flush();
        } catch (IOException e) {
            failure = e;
            queue.clear(); // unblock a producer waiting for room; it sees the failure on its next write
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("writer interrupted");
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, bufferSize - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == bufferSize) {
                handOff();
            }
        }
    }

    /** Only hands off what is buffered; the bytes reach {@code out} once the writer thread gets to them. */
    @Override
    public void flush() throws IOException {
        if (filled > 0) {
            handOff();
        }
    }

    /** Waits until everything written has been written to {@code out} (which stays open). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        flush();
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the writer");
        }
        throwIfFailed();
    }

    private void handOff() throws IOException {
        if (filled == bufferSize) {
            put(buffer);
            byte[] reuse = spare.poll(); // a gigabyte of fresh, zeroed buffers per basebackup otherwise
            buffer = reuse != null ? reuse : new byte[bufferSize];
        } else {
            put(java.util.Arrays.copyOf(buffer, filled)); // a flush: keep filling this buffer
        }
        filled = 0;
    }

    private void put(byte[] b) throws IOException {
        throwIfFailed();
        try {
            while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throwIfFailed();
                if (!writer.isAlive()) {
                    throw new IOException("writer thread is gone");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted handing off output");
        }
    }

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("writing failed: " + e.getMessage(), e);
        }
    }
}
