package dev.cairn.proxy;

import dev.cairn.proxy.protocol.ClientMessages;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a CancelRequest carrying the compute's own key to the compute, then closes, as libpq does. */
final class CancelForwarder {
    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private CancelForwarder() {}

    static void forward(EventLoop loop, Transport transport, CancelRegistry.CancelTarget target) {
        new Bootstrap().group(loop).channel(transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target.backend().host(), target.backend().port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        log.warn("cannot forward cancel for endpoint {} to {}", target.endpoint(), target.backend(), f.cause());
                        return;
                    }
                    ByteBuf packet = ClientMessages.cancelRequest(f.channel().alloc(), target.backendKey());
                    f.channel().writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE);
                });
    }
}
