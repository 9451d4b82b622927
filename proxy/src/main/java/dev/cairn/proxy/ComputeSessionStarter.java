package dev.cairn.proxy;

import dev.cairn.proxy.auth.ScramKeys;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.protocol.CancelKey;
import dev.cairn.proxy.protocol.PgMessageDecoder;
import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.ServerMessages;
import dev.cairn.proxy.protocol.SqlState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * After the client authenticated: takes a connection slot, wakes the endpoint (waiting up to the
 * wake deadline), opens the proxy's session on the compute and relays between the two channels.
 */
final class ComputeSessionStarter {
    private static final Logger log = LoggerFactory.getLogger(ComputeSessionStarter.class);
    /** A compute's messages may be large (rows, COPY data); the decoder only sees the handshake. */
    private static final int MAX_BACKEND_MESSAGE = 1 << 30;

    private final ProxyServices services;
    private final ClientSession session;
    private final Channel client;

    ComputeSessionStarter(ProxyServices services, ClientSession session, Channel client) {
        this.services = services;
        this.session = session;
        this.client = client;
    }

    void start(ScramKeys keys) {
        session.permit = services.limiter().acquire(session.endpoint);
        client.closeFuture().addListener(f -> {
            session.permit.close();
            if (session.proxyCancelKey != null) {
                services.cancels().unregister(session.proxyCancelKey);
            }
        });
        // Authentication is over; from here the client legitimately sits idle while the compute wakes.
        if (client.pipeline().get("timeout") != null) {
            client.pipeline().remove("timeout");
        }
        client.writeAndFlush(ServerMessages.authenticationOk(client.alloc()));
        wakeAndConnect(keys, 2);
    }

    /**
     * Wakes the endpoint and connects to its compute. A refused connection is retried after another wake:
     * a compute that died a moment ago is restarted by the wake, rather than the client getting an error.
     */
    private void wakeAndConnect(ScramKeys keys, int retries) {
        long waitMillis = services.config().wakeTimeout().toMillis();
        long wakeStart = System.nanoTime();
        services.resolver().wake(session.endpointName())
                .orTimeout(waitMillis, TimeUnit.MILLISECONDS)
                .whenComplete((address, error) -> client.eventLoop().execute(() -> {
                    services.metrics().woke(wakeStart, error == null);
                    if (!client.isActive()) {
                        return;
                    }
                    if (error != null) {
                        client.pipeline().fireExceptionCaught(wakeFailure(error, waitMillis));
                    } else {
                        connect(address, keys, retries);
                    }
                }));
    }

    private ProxyException wakeFailure(Throwable error, long waitMillis) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProxyException p) {
            return p;
        }
        String why = cause instanceof TimeoutException
                ? "did not start within " + waitMillis + " ms"
                : "failed to start: " + cause.getMessage();
        return new ProxyException(SqlState.CANNOT_CONNECT_NOW, session.endpointName(),
                "compute for endpoint \"" + session.endpointName() + "\" " + why, cause);
    }

    private void connect(BackendAddress address, ScramKeys keys, int retries) {
        Promise<BackendHandshake> handshake = client.eventLoop().newPromise();
        Bootstrap bootstrap = new Bootstrap().group(client.eventLoop()).channel(services.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) services.config().backendConnectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("messages", new PgMessageDecoder(MAX_BACKEND_MESSAGE));
                        ch.pipeline().addLast("handshake", new BackendHandshakeHandler(session.endpointName(),
                                session.backendParameters, keys, handshake));
                    }
                });
        bootstrap.connect(address.host(), address.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                if (retries > 0 && client.isActive()) {
                    client.eventLoop().schedule(() -> wakeAndConnect(keys, retries - 1), 500, TimeUnit.MILLISECONDS);
                    return;
                }
                handshake.tryFailure(new ProxyException(SqlState.CANNOT_CONNECT_NOW, session.endpointName(),
                        "cannot connect to the compute for endpoint \"" + session.endpointName() + "\": " + f.cause().getMessage(), f.cause()));
                return;
            }
            // A client that leaves mid-handshake takes its compute session with it.
            client.closeFuture().addListener(c -> f.channel().close());
        });
        handshake.addListener(f -> {
            if (!f.isSuccess()) {
                if (client.isActive()) {
                    client.pipeline().fireExceptionCaught(f.cause());
                }
                return;
            }
            // Start relaying on a later turn of the loop: the backend decoder is still on the stack now.
            client.eventLoop().execute(() -> relay(address, handshake.getNow()));
        });
    }

    private void relay(BackendAddress address, BackendHandshake backend) {
        Channel compute = backend.channel();
        if (!client.isActive()) {
            compute.close();
            backend.relayedMessages().release();
            backend.readyForQuery().release();
            return;
        }
        CancelKey clientKey = null;
        if (backend.backendKey() != null) {
            clientKey = services.cancels().register(new CancelRegistry.CancelTarget(session.endpointName(), address, backend.backendKey()));
            session.proxyCancelKey = clientKey;
        }
        var cp = client.pipeline();
        cp.addLast("relay", new RelayHandler(compute));
        cp.remove(ErrorResponder.class);
        cp.remove("auth");
        cp.remove("messages");
        var bp = compute.pipeline();
        bp.addLast("relay", new RelayHandler(client));
        bp.remove("handshake");
        bp.remove("messages");
        client.write(backend.relayedMessages());
        if (clientKey != null) {
            client.write(ServerMessages.backendKeyData(client.alloc(), clientKey));
        }
        client.writeAndFlush(backend.readyForQuery());
        services.metrics().relayed(session.tls);
        if (!compute.isActive()) {
            client.close();
        }
        log.debug("relaying client {} to compute {} for endpoint {}", client.remoteAddress(), address, session.endpointName());
    }
}
