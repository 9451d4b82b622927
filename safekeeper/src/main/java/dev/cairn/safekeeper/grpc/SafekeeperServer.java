package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.consensus.Acceptor;
import dev.cairn.safekeeper.service.SafekeeperNode;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The safekeeper's gRPC endpoint: acceptor, WAL streaming and admin services on one port. */
public final class SafekeeperServer implements AutoCloseable {
    /** Clients may ping this often (pageservers' WAL streams ping every 10 s). */
    public static final int PERMITTED_KEEPALIVE_SECONDS = 5;

    private final SafekeeperNode node;
    private final Server server;

    private SafekeeperServer(SafekeeperNode node, Server server) {
        this.node = node;
        this.server = server;
    }

    public static SafekeeperServer start(SafekeeperNode node, InetSocketAddress listen) {
        Server server = NettyServerBuilder.forAddress(listen)
                .maxInboundMessageSize(Acceptor.MAX_WAL_PER_MESSAGE + 64 * 1024)
                // pageservers ping an idle WAL stream every 10 s to notice a dead peer; the default (one ping in
                // 5 min) answers that with GOAWAY too_many_pings, which broke every idle stream
                .permitKeepAliveTime(PERMITTED_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(new AcceptorGrpcService(node))
                .addService(new WalStreamGrpcService(node))
                .addService(new AdminGrpcService(node))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + listen, e);
        }
        return new SafekeeperServer(node, server);
    }

    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
    }
}
