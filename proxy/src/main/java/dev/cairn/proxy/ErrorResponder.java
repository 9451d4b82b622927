package dev.cairn.proxy;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Last handler of a client pipeline until the session is relayed: turns any failure into one
 * FATAL ErrorResponse and closes, so no client is dropped without an explanation.
 */
final class ErrorResponder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponder.class);
    private final ProxyMetrics metrics;
    private boolean answered;

    ErrorResponder(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (answered) {
            return;
        }
        answered = true;
        if (isTlsFailure(cause)) {
            // The peer is not speaking TLS we can decrypt: a PostgreSQL message would be noise to it.
            log.debug("TLS failure from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            metrics.tlsFailed();
            ctx.close();
            return;
        }
        ProxyException failure = toProxyException(cause);
        metrics.refused(failure.sqlState());
        if (failure.sqlState() == SqlState.INTERNAL_ERROR) {
            log.warn("connection from {} failed", ctx.channel().remoteAddress(), cause);
        } else {
            log.info("refused connection from {} (endpoint {}): {} {}", ctx.channel().remoteAddress(),
                    failure.endpoint(), failure.sqlState().code(), failure.getMessage());
        }
        ByteBuf bytes = failure instanceof ComputeErrorException computeError
                ? computeError.rawError()
                : failure.toErrorResponse().encode(ctx.alloc());
        ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
    }

    static ProxyException toProxyException(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ProxyException p) {
                return p;
            }
            if (t instanceof ReadTimeoutException) {
                return new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "timeout during connection startup");
            }
        }
        return new ProxyException(SqlState.INTERNAL_ERROR, null, "internal proxy error", cause);
    }

    private static boolean isTlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException || t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
