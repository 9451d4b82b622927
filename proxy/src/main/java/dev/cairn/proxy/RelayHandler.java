package dev.cairn.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.buffer.Unpooled;

import java.util.concurrent.TimeUnit;

/**
 * Splices bytes from its channel to the peer once a session is established. Back-pressure: a
 * peer that stops draining pauses reads here; when this channel's own output drains, the peer resumes.
 * Once the kernel forwards the session ({@link KernelRelay}) this handler only passes on stray bytes
 * read before the hand-over, and the end of the session.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    /**
     * The kernel forwards through a work queue and drops what is queued for a socket that closes; a compute's
     * last words (a FATAL error before it closes) must reach the client first, so the peer closes a moment later.
     */
    static final long KERNEL_DRAIN_MILLIS = 200;

    private final Channel peer;
    private boolean kernelForwards;

    RelayHandler(Channel peer) {
        this.peer = peer;
    }

    /** The kernel forwards what arrives on this channel. */
    void handOverToKernel() {
        kernelForwards = true;
    }

    /** This handler forwards what arrives on this channel again (the kernel has delivered all it took). */
    void returnToUserSpace() {
        kernelForwards = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg);
        if (!peer.isWritable()) {
            // pause before flushing: a flush that drains the peer at once reports it writable again during
            // the flush, and a pause set after that would never be lifted (a large COPY stalled this way)
            ctx.channel().config().setAutoRead(false);
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // paces what the peer's handler forwards to this channel, unless the kernel does that
        RelayHandler peerRelay = peer.pipeline().get(RelayHandler.class);
        if (peerRelay == null || !peerRelay.kernelForwards) {
            peer.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (kernelForwards) {
            peer.eventLoop().schedule(() -> closeOnFlush(peer), KERNEL_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            closeOnFlush(peer);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        closeOnFlush(peer);
    }

    private static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
