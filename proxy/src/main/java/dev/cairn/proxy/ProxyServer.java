package dev.cairn.proxy;

import dev.cairn.proxy.endpoint.ConnectionLimiter;
import dev.cairn.proxy.endpoint.EndpointCatalog;
import dev.cairn.proxy.endpoint.EndpointResolver;
import dev.cairn.proxy.protocol.StartupPacketDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL-protocol proxy: accepts clients, authenticates them, and relays each to its
 * endpoint's compute. A client pipeline is [tls] startup-decoder startup-handler errors, and becomes
 * [tls] relay once the compute session is ready.
 */
public final class ProxyServer implements AutoCloseable {
    private final ProxyServices services;
    private final Transport transport = Transport.best();
    private final EventLoopGroup boss = transport.newGroup(1);
    private final EventLoopGroup workers;
    private Channel listener;

    public ProxyServer(ProxyConfig config, EndpointCatalog catalog, EndpointResolver resolver) {
        this(config, catalog, resolver, new ConnectionLimiter());
    }

    /** limiter: e.g. {@code new ConnectionLimiter(idleSuspender)} to scale idle endpoints to zero. */
    public ProxyServer(ProxyConfig config, EndpointCatalog catalog, EndpointResolver resolver, ConnectionLimiter limiter) {
        this(config, catalog, resolver, limiter, ProxyMetrics.standalone());
    }

    /** metrics: where the proxy counts (the process's registry). */
    public ProxyServer(ProxyConfig config, EndpointCatalog catalog, EndpointResolver resolver, ConnectionLimiter limiter,
                       ProxyMetrics metrics) {
        this.services = new ProxyServices(config, catalog, resolver, limiter, new CancelRegistry(), transport, metrics);
        this.workers = transport.newGroup(config.eventLoops());
    }

    public ProxyServer start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        services.metrics().accepted(ch);
                        ch.pipeline().addLast("timeout", new ReadTimeoutHandler(services.config().startupTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("startup-decoder", new StartupPacketDecoder());
                        ch.pipeline().addLast("startup", new ClientStartupHandler(services));
                        ch.pipeline().addLast("errors", new ErrorResponder(services.metrics()));
                    }
                });
        listener = b.bind(services.config().listen()).sync().channel();
        return this;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Blocks until the listener is closed (by {@link #close()}). */
    public void awaitTermination() throws InterruptedException {
        listener.closeFuture().sync();
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    public ConnectionLimiter limiter() {
        return services.limiter();
    }

    public ProxyMetrics metrics() {
        return services.metrics();
    }

    public CancelRegistry cancels() {
        return services.cancels();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
