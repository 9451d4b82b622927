package dev.cairn.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Native epoll where Netty's library loads (Linux x86_64/aarch64: fewer copies and syscalls on the
 * relay path), NIO elsewhere. Client and compute channels of a session share one event loop.
 */
record Transport(String name, Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> channel) {

    static Transport best() {
        return Epoll.isAvailable()
                ? new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class)
                : new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads) {
        return name.equals("epoll") ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }
}
