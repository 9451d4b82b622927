package dev.cairn.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Back-pressure between the two halves of a relayed session, on channels that drain as soon as they flush. */
class RelayHandlerTest {

    @Test
    void readsResumeWhenTheFlushThatPausedThemDrainsThePeerAtOnce() {
        EmbeddedChannel compute = computeWithTinyBuffer();
        EmbeddedChannel client = relayedTo(compute);

        // more than the high-water mark: the compute side turns unwritable, and the flush drains it at once
        client.writeInbound(Unpooled.wrappedBuffer(new byte[64]));
        client.runPendingTasks();
        compute.runPendingTasks();

        assertThat(compute.isWritable()).isTrue();
        assertThat(compute.<Object>readOutbound()).isNotNull();
        // a paused client with a drained compute would never be read again: the stalled COPY of pgbench -i
        assertThat(client.config().isAutoRead()).isTrue();
    }

    @Test
    void readsStayPausedWhileThePeerCannotTakeMore() {
        EmbeddedChannel compute = computeWithTinyBuffer();
        EmbeddedChannel client = relayedTo(compute);

        compute.pipeline().fireChannelWritabilityChanged(); // writable: nothing changes
        assertThat(client.config().isAutoRead()).isTrue();
        compute.write(Unpooled.wrappedBuffer(new byte[64])); // queued, not flushed: over the high-water mark
        assertThat(compute.isWritable()).isFalse();
        assertThat(client.config().isAutoRead()).isFalse();
        compute.flush();
        assertThat(compute.isWritable()).isTrue();
        assertThat(client.config().isAutoRead()).isTrue();
    }

    /** A compute side that turns unwritable above 16 queued bytes. */
    private static EmbeddedChannel computeWithTinyBuffer() {
        EmbeddedChannel compute = new EmbeddedChannel();
        compute.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        return compute;
    }

    /** A client side relayed to {@code compute} and back, as a session is once established. */
    private static EmbeddedChannel relayedTo(EmbeddedChannel compute) {
        EmbeddedChannel client = new EmbeddedChannel(new RelayHandler(compute));
        compute.pipeline().addLast(new RelayHandler(client));
        return client;
    }
}
