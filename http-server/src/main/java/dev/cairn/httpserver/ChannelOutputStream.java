package dev.cairn.httpserver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a streamed response as a blocking {@link OutputStream}: bytes are copied into pooled buffers
 * of {@code chunkSize} and each full buffer is handed to the channel as one HTTP content (one chunk when the
 * response is chunked). The socket write happens on the event loop while the producer fills the next buffer.
 * Backpressure: before each hand-off the producer waits while the channel holds more than its high water mark,
 * so at most high water mark + two buffers are in memory per response. A closed connection or a failed
 * write fails the next {@code write}/{@code flush} with an IOException.
 * <p>With a declared length, the buffer that would complete the body is held back until {@link #finish}, so
 * a producer that fails never leaves a complete-looking body behind; writing more than declared fails.
 */
final class ChannelOutputStream extends OutputStream {
    private final Channel channel;
    private final WritabilityGate gate;
    private final int chunkSize;
    private final long declaredLength;
    private ByteBuf buffer;
    /** Bytes handed to the channel so far. */
    private long sent;
    private volatile Throwable writeFailure;
    private boolean finished;

    ChannelOutputStream(Channel channel, WritabilityGate gate, int chunkSize, long declaredLength) {
        this.channel = channel;
        this.gate = gate;
        this.chunkSize = chunkSize;
        this.declaredLength = declaredLength;
    }

    @Override
    public void write(int b) throws IOException {
        ensureBuffer(1);
        buffer.writeByte(b);
        afterWrite();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            ensureBuffer(len);
            int n = Math.min(len, buffer.writableBytes());
            buffer.writeBytes(b, off, n);
            off += n;
            len -= n;
            afterWrite();
        }
    }

    private void ensureBuffer(int wanted) throws IOException {
        if (finished) {
            throw new IOException("the response body is finished");
        }
        if (declaredLength >= 0 && sent + buffered() + wanted > declaredLength) {
            throw new IOException("the producer wrote more than the " + declaredLength + " bytes declared");
        }
        if (buffer == null) {
            throwIfBroken();
            buffer = channel.alloc().directBuffer(chunkSize, chunkSize);
        }
    }

    private void afterWrite() throws IOException {
        if (!buffer.isWritable() && sent + buffer.readableBytes() != declaredLength) {
            send();
        }
    }

    private int buffered() {
        return buffer == null ? 0 : buffer.readableBytes();
    }

    /** Hands what is buffered to the channel (it goes out as the socket takes it). */
    @Override
    public void flush() throws IOException {
        if (buffered() > 0 && sent + buffered() != declaredLength) {
            send();
        }
    }

    /** Sends the rest; fails if the body is shorter than declared. The caller ends the response after it. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        if (buffered() > 0) {
            send();
        }
        finished = true;
        release();
        if (declaredLength >= 0 && sent != declaredLength) {
            throw new IOException("the producer wrote " + sent + " of the " + declaredLength + " bytes declared");
        }
        throwIfBroken();
    }

    /** Frees the buffer of an abandoned body. */
    void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    /** The producer's close() does nothing: the server ends (or cuts) the response once the producer returns. */
    @Override
    public void close() {
    }

    private void send() throws IOException {
        try {
            gate.awaitWritable(channel);
            throwIfBroken();
        } catch (IOException e) {
            release();
            throw e;
        }
        ByteBuf b = buffer;
        buffer = null;
        sent += b.readableBytes();
        channel.writeAndFlush(new DefaultHttpContent(b)).addListener(f -> {
            if (!f.isSuccess()) {
                writeFailure = f.cause();
                gate.changed();
            }
        });
    }

    private void throwIfBroken() throws IOException {
        Throwable failure = writeFailure;
        if (failure != null) {
            throw new IOException("writing the response failed: " + failure.getMessage(), failure);
        }
        if (!channel.isActive()) {
            throw new WritabilityGate.ClosedByPeerException();
        }
    }
}
