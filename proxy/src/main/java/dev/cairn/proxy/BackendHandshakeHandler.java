package dev.cairn.proxy;

import dev.cairn.proxy.auth.ScramClientExchange;
import dev.cairn.proxy.auth.ScramException;
import dev.cairn.proxy.auth.ScramKeys;
import dev.cairn.proxy.auth.ScramServerExchange;
import dev.cairn.proxy.protocol.CancelKey;
import dev.cairn.proxy.protocol.ClientMessages;
import dev.cairn.proxy.protocol.PgMessage;
import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Promise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens the proxy's own session on the compute: StartupMessage with the client's parameters,
 * SCRAM with the keys learnt from the client (or trust), then collects everything up to ReadyForQuery.
 */
final class BackendHandshakeHandler extends SimpleChannelInboundHandler<PgMessage> {
    private final String endpoint;
    private final Map<String, String> parameters;
    private final ScramKeys keys;
    private final Promise<BackendHandshake> result;
    private ScramClientExchange scram;
    private ByteBuf relayed;
    private CancelKey backendKey;

    BackendHandshakeHandler(String endpoint, Map<String, String> parameters, ScramKeys keys, Promise<BackendHandshake> result) {
        this.endpoint = endpoint;
        this.parameters = parameters;
        this.keys = keys;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        relayed = ctx.alloc().buffer();
        ctx.writeAndFlush(ClientMessages.startupMessage(ctx.alloc(), parameters));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgMessage msg) {
        ByteBuf body = msg.body();
        switch (msg.type()) {
            case 'R' -> authenticate(ctx, body);
            case 'S', 'N' -> relayed.writeByte(msg.type()).writeInt(4 + body.readableBytes()).writeBytes(body);
            case 'K' -> backendKey = new CancelKey(body.readInt(), body.readInt());
            case 'v' -> { } // the compute speaks 3.0 like us; nothing to negotiate
            case 'E' -> fail(ctx, computeError(msg.encode(ctx.alloc()), body));
            case 'Z' -> {
                if (!result.trySuccess(new BackendHandshake(ctx.channel(), relayed, backendKey, msg.encode(ctx.alloc())))) {
                    ctx.close();
                }
            }
            default -> fail(ctx, new ProxyException(SqlState.PROTOCOL_VIOLATION, endpoint,
                    "compute sent unexpected message type " + (char) msg.type() + " during startup"));
        }
    }

    private void authenticate(ChannelHandlerContext ctx, ByteBuf body) {
        int code = body.readInt();
        try {
            switch (code) {
                case 0 -> { } // AuthenticationOk
                case 10 -> {
                    if (!mechanisms(body).contains(ScramServerExchange.MECHANISM)) {
                        throw new ProxyException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, endpoint, "compute does not offer SCRAM-SHA-256");
                    }
                    scram = new ScramClientExchange(keys);
                    ctx.writeAndFlush(ClientMessages.saslInitialResponse(ctx.alloc(), ScramServerExchange.MECHANISM, scram.clientFirst()));
                }
                case 11 -> ctx.writeAndFlush(ClientMessages.saslResponse(ctx.alloc(), exchange().clientFinal(body.toString(StandardCharsets.UTF_8))));
                case 12 -> exchange().verifyServerFinal(body.toString(StandardCharsets.UTF_8));
                default -> throw new ProxyException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, endpoint,
                        "compute asked for authentication method " + code + "; the proxy authenticates to computes with SCRAM-SHA-256 only");
            }
        } catch (ScramException e) {
            fail(ctx, new ProxyException(SqlState.INVALID_PASSWORD, endpoint,
                    "proxy could not authenticate to the compute (role secret out of sync?): " + e.getMessage()));
        } catch (ProxyException e) {
            fail(ctx, e);
        }
    }

    private ScramClientExchange exchange() {
        if (scram == null) {
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, endpoint, "compute sent SASL data before choosing SASL");
        }
        return scram;
    }

    private static List<String> mechanisms(ByteBuf body) {
        List<String> out = new ArrayList<>();
        while (body.isReadable()) {
            int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
            if (end <= body.readerIndex()) {
                break;
            }
            out.add(body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.US_ASCII));
            body.readerIndex(end + 1);
        }
        return out;
    }

    private ComputeErrorException computeError(ByteBuf raw, ByteBuf body) {
        String code = "";
        String message = "";
        while (body.isReadable()) {
            byte field = body.readByte();
            if (field == 0) {
                break;
            }
            int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
            if (end < 0) {
                break;
            }
            String value = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
            body.readerIndex(end + 1);
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                message = value;
            }
        }
        return new ComputeErrorException(endpoint, SqlState.CONNECTION_FAILURE, code + " " + message, raw);
    }

    private void fail(ChannelHandlerContext ctx, ProxyException e) {
        result.tryFailure(e);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.tryFailure(new ProxyException(SqlState.CANNOT_CONNECT_NOW, endpoint, "compute closed the connection during startup"));
        if (!result.isSuccess() && relayed != null) {
            relayed.release();
            relayed = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyException e = cause instanceof ProxyException p ? p
                : new ProxyException(SqlState.CANNOT_CONNECT_NOW, endpoint, "compute connection failed: " + cause.getMessage(), cause);
        fail(ctx, e);
    }
}
