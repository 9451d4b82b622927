package dev.cairn.proxy;

import dev.cairn.proxy.auth.ScramException;
import dev.cairn.proxy.auth.ScramServerExchange;
import dev.cairn.proxy.protocol.PgMessage;
import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.ServerMessages;
import dev.cairn.proxy.protocol.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SCRAM-SHA-256 with the client against the endpoint's verifier for the role, then hands the
 * learnt keys to {@link ComputeSessionStarter}. Unknown roles run the full exchange and fail
 * like a wrong password.
 */
final class ClientAuthHandler extends SimpleChannelInboundHandler<PgMessage> {
    private final ProxyServices services;
    private final ClientSession session;
    private final ScramServerExchange exchange;
    private boolean firstDone;
    private boolean finished;

    ClientAuthHandler(ProxyServices services, ClientSession session) {
        this.services = services;
        this.session = session;
        this.exchange = new ScramServerExchange(session.endpoint.role(session.user).orElse(null));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ServerMessages.authenticationSasl(ctx.alloc(), List.of(ScramServerExchange.MECHANISM)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgMessage msg) {
        if (msg.type() == 'X') {
            ctx.close(); // Terminate: the client gave up
            return;
        }
        if (finished) {
            throw violation("unexpected message type " + (char) msg.type() + " during authentication");
        }
        if (msg.type() != 'p') {
            throw violation("expected SASL response, got message type " + (char) msg.type());
        }
        ByteBuf body = msg.body();
        try {
            if (!firstDone) {
                String mechanism = cString(body);
                if (!ScramServerExchange.MECHANISM.equals(mechanism)) {
                    throw violation("client selected an invalid SASL authentication mechanism");
                }
                int length = body.readInt();
                if (length < 0 || length != body.readableBytes()) {
                    throw violation("malformed SASLInitialResponse");
                }
                String first = body.toString(StandardCharsets.UTF_8);
                ctx.writeAndFlush(ServerMessages.authenticationSaslContinue(ctx.alloc(), exchange.serverFirst(first)));
                firstDone = true;
            } else {
                ScramServerExchange.Result result = exchange.serverFinal(body.toString(StandardCharsets.UTF_8));
                finished = true;
                ctx.writeAndFlush(ServerMessages.authenticationSaslFinal(ctx.alloc(), result.serverFinal()));
                new ComputeSessionStarter(services, session, ctx.channel()).start(result.keys());
            }
        } catch (ScramException e) {
            if (e.authenticationFailed()) {
                throw new ProxyException(SqlState.INVALID_PASSWORD, session.endpointName(),
                        "password authentication failed for user \"" + session.user + "\"");
            }
            throw violation(e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            throw violation("malformed SASL message");
        }
    }

    private ProxyException violation(String message) {
        return new ProxyException(SqlState.PROTOCOL_VIOLATION, session.endpointName(), message);
    }

    private String cString(ByteBuf body) {
        int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (end < 0) {
            throw violation("malformed SASLInitialResponse");
        }
        String s = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
        body.readerIndex(end + 1);
        return s;
    }
}
