package dev.cairn.proxy;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;
import io.netty.buffer.ByteBuf;

/** The compute refused the session with its own ErrorResponse, which is relayed to the client verbatim. */
final class ComputeErrorException extends ProxyException {
    private final transient ByteBuf rawError;

    ComputeErrorException(String endpoint, SqlState reported, String message, ByteBuf rawError) {
        super(reported, endpoint, "compute refused the session: " + message);
        this.rawError = rawError;
    }

    /** The complete 'E' message as the compute sent it; whoever writes it takes ownership. */
    ByteBuf rawError() {
        return rawError;
    }
}
