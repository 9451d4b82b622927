package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An admin API server: Netty's HTTP/1.1 codec (epoll when available, else NIO) with keep-alive, request
 * bodies aggregated up to a limit, {@link Routes} dispatched on virtual threads (handlers block on storage),
 * and one error convention: {@link ApiError} or the service's classifier's verdict as
 * {@code {"error": code, "message": text}} (unknown exceptions: 500, logged).
 * <p>Responses ({@link ApiResponse}): JSON and byte bodies go out with a Content-Length; a streamed body is
 * written by a blocking producer into an OutputStream that blocks while the client lags (bounded memory)
 * and fails when the client goes away; a producer that fails after the headers went out gets its response
 * cut short (the connection closes without ending the body), never a complete-looking one.
 * <p>Metrics: {@link Builder#metrics(Supplier)} adds {@code GET /metrics} serving the supplier's Prometheus text
 * as {@value ApiResponse#PROMETHEUS_TEXT}; a service with no other API (safekeeper, proxy) starts
 * {@link #metricsOnly(InetSocketAddress, Supplier)}:
 * <pre>{@code
 * HttpApiServer metrics = HttpApiServer.metricsOnly(new InetSocketAddress(9898), registry::scrape);
 * HttpApiServer api = HttpApiServer.builder(address).name("pageserver-http").routes(routes)
 *         .errors(PageserverHttpApi::classify).metrics(registry::scrape).start();
 * }</pre>
 */
public final class HttpApiServer implements AutoCloseable {
    /** Request bodies beyond this are refused with 413 (the admin APIs take small JSON documents). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
    /** Size of one streamed body chunk (one socket hand-off). */
    public static final int DEFAULT_CHUNK_BYTES = 256 << 10;
    /** A streamed response's producer blocks once this much is queued for the socket. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 2 << 20);

    private final Channel serverChannel;
    private final EventLoopGroup group;
    private final ExecutorService handlers;

    private HttpApiServer(Channel serverChannel, EventLoopGroup group, ExecutorService handlers) {
        this.serverChannel = serverChannel;
        this.group = group;
        this.handlers = handlers;
    }

    public static Builder builder(InetSocketAddress address) {
        return new Builder(address);
    }

    /** A server that only answers {@code GET /metrics} with {@code prometheusText}'s text. */
    public static HttpApiServer metricsOnly(InetSocketAddress address, Supplier<String> prometheusText) throws IOException {
        return builder(address).name("metrics-http").metrics(prometheusText).start();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting and closes every connection (streams in progress fail in their producers). */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        handlers.shutdownNow();
    }

    public static final class Builder {
        private final InetSocketAddress address;
        private final Routes routes = new Routes();
        private Function<Throwable, ApiError> classifier = ErrorMapper.INTERNAL;
        private String name = "http-api";
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int chunkBytes = DEFAULT_CHUNK_BYTES;
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

        private Builder(InetSocketAddress address) {
            this.address = address;
        }

        /** Thread name prefix. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Serves these routes (added after any already given, e.g. by {@link #metrics}). */
        public Builder routes(Routes more) {
            routes.addAll(more);
            return this;
        }

        /** Maps the service's exceptions to refusals; unknown ones should become 500 (the default for all). */
        public Builder errors(Function<Throwable, ApiError> classifier) {
            this.classifier = classifier;
            return this;
        }

        /** Adds {@code GET /metrics}: {@code prometheusText}'s text as {@value ApiResponse#PROMETHEUS_TEXT}. */
        public Builder metrics(Supplier<String> prometheusText) {
            routes.get("/metrics", r -> ApiResponse.text(200, ApiResponse.PROMETHEUS_TEXT, prometheusText.get()));
            return this;
        }

        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        public Builder chunkBytes(int bytes) {
            this.chunkBytes = bytes;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Binds and starts serving. */
        public HttpApiServer start() throws IOException {
            boolean epoll = Epoll.isAvailable();
            DefaultThreadFactory threads = new DefaultThreadFactory(name + "-io", true);
            EventLoopGroup group = epoll ? new EpollEventLoopGroup(ioThreads, threads) : new NioEventLoopGroup(ioThreads, threads);
            Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
            ErrorMapper errors = new ErrorMapper(classifier);
            ResponseWriter writer = new ResponseWriter(chunkBytes, errors);
            int maxBody = maxRequestBytes;
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 64)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("codec", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(maxBody))
                                    .addLast("dispatcher", new RequestDispatcher(routes, errors, writer, handlers));
                        }
                    });
            try {
                Channel server = bootstrap.bind(address).sync().channel();
                return new HttpApiServer(server, group, handlers);
            } catch (Exception e) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                handlers.shutdownNow();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cannot serve " + name + " on " + address + ": " + e.getMessage(), e);
            }
        }
    }
}
