package dev.cairn.proxy;

import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.EndpointSelector;
import dev.cairn.proxy.protocol.PgMessageDecoder;
import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.ServerMessages;
import dev.cairn.proxy.protocol.SqlState;
import dev.cairn.proxy.protocol.StartupPacket;
import dev.cairn.proxy.protocol.StartupPacketDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.util.DomainWildcardMappingBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handles the untyped startup phase: SSLRequest (TLS with SNI), GSSENCRequest, CancelRequest and
 * the StartupMessage, which picks the endpoint and hands over to SCRAM authentication.
 */
final class ClientStartupHandler extends SimpleChannelInboundHandler<StartupPacket> {
    /** PostgreSQL's limit for a regular message while authenticating. */
    private static final int MAX_AUTH_MESSAGE = 10_000;

    private final ProxyServices services;
    private final ClientSession session = new ClientSession();

    ClientStartupHandler(ProxyServices services) {
        this.services = services;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, StartupPacket packet) {
        switch (packet) {
            case StartupPacket.SslRequest r -> startTls(ctx);
            case StartupPacket.GssEncRequest r -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
            case StartupPacket.CancelRequest r -> {
                services.cancels().find(r.key()).ifPresent(t -> CancelForwarder.forward(ctx.channel().eventLoop(), services.transport(), t));
                ctx.close(); // the protocol has no reply to a cancel request
            }
            case StartupPacket.StartupMessage m -> startup(ctx, m);
        }
    }

    private void startTls(ChannelHandlerContext ctx) {
        if (services.config().sslContext() == null || session.tls) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
            return;
        }
        session.tls = true;
        // 'S' is written in plaintext before the TLS handler joins the pipeline at its head.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'S'}));
        var ssl = services.config().sslContext();
        ctx.pipeline().addFirst("tls", new SniHandler(new DomainWildcardMappingBuilder<>(ssl).build()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent sni && sni.isSuccess()) {
            session.sniHost = sni.hostname();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void startup(ChannelHandlerContext ctx, StartupPacket.StartupMessage m) {
        if (m.majorVersion() != 3) {
            throw new ProxyException(SqlState.FEATURE_NOT_SUPPORTED, null, "unsupported frontend protocol "
                    + m.majorVersion() + "." + m.minorVersion() + ": server supports 3.0 to 3.0");
        }
        if (!session.tls && services.config().tlsPolicy() == TlsPolicy.REQUIRE) {
            throw new ProxyException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, null,
                    "TLS is required: connect with sslmode=require");
        }
        if (m.user() == null || m.user().isEmpty()) {
            throw new ProxyException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, null, "no PostgreSQL user name specified in startup packet");
        }
        List<String> protocolOptions = new ArrayList<>();
        Map<String, String> forward = new LinkedHashMap<>();
        m.parameters().forEach((k, v) -> {
            if (k.startsWith("_pq_.")) {
                protocolOptions.add(k);
            } else {
                forward.put(k, v);
            }
        });
        EndpointSelector.Selection selection = EndpointSelector.select(session.sniHost, m.parameters().get("options"));
        EndpointConfig endpoint = services.catalog().find(selection.endpoint()).orElseThrow(() ->
                new ProxyException(SqlState.INVALID_CATALOG_NAME, selection.endpoint(),
                        "endpoint \"" + selection.endpoint() + "\" does not exist"));
        if (selection.remainingOptions().isEmpty()) {
            forward.remove("options");
        } else {
            forward.put("options", selection.remainingOptions());
        }
        forward.putIfAbsent("database", m.database());
        session.endpoint = endpoint;
        session.user = m.user();
        session.backendParameters = forward;
        if (m.minorVersion() > 0 || !protocolOptions.isEmpty()) {
            ctx.write(ServerMessages.negotiateProtocolVersion(ctx.alloc(), protocolOptions));
        }
        ctx.pipeline().replace(StartupPacketDecoder.class, "messages", new PgMessageDecoder(MAX_AUTH_MESSAGE));
        ctx.pipeline().replace(this, "auth", new ClientAuthHandler(services, session));
    }
}
