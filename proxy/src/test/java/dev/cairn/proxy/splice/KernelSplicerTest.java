package dev.cairn.proxy.splice;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the kernel splice says when it cannot be had, and what it counts, on real loopback TCP sockets.
 * Sessions through the proxy are tested in KernelSpliceProxyTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelSplicerTest {

    @Test
    void aRefusedCallIsNamedWithTheKernelsReason() {
        // a map of no entries: refused as invalid where bpf(2) is permitted, as not permitted elsewhere
        assertThatThrownBy(() -> KernelSplicer.open(0))
                .isInstanceOfSatisfying(BpfException.class, e -> {
                    assertThat(e.operation()).isEqualTo("bpf(BPF_MAP_CREATE, SOCKHASH)");
                    assertThat(e.errno()).isIn(LinuxSyscalls.EINVAL, LinuxSyscalls.EPERM);
                    assertThat(e.getMessage()).startsWith("bpf(BPF_MAP_CREATE, SOCKHASH): ");
                });
    }

    @Test
    void withoutCapBpfTheProxyIsToldWhichCapabilitiesItLacks() throws Exception {
        List<String> command = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // drop them from the bounding set: the probe, though root, starts without them
            command.addAll(List.of("setpriv", "--bounding-set=-bpf,-net_admin,-sys_admin,-perfmon"));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), SpliceProbe.class.getName()));
        Path out = Files.createTempFile("splice-probe", ".out");
        try {
            Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(probe.exitValue()).as(printed).isZero();
            assertThat(printed).contains("unavailable: bpf(BPF_MAP_CREATE, SOCKHASH): not permitted: splicing needs CAP_BPF and CAP_NET_ADMIN");
        } finally {
            Files.delete(out);
        }
    }

    @Test
    void theKernelCountsWhatItForwardsEachWayAndNothingOnceTheRouteIsGone() throws Exception {
        try (KernelSplicer splicer = openOrSkip(8); Relay relay = Relay.open()) {
            KernelSplicer.SplicedPair pair = splicer.splice(relay.fromClientFd(), relay.toServerFd());
            long upBefore = forwarded(splicer, pair.slotA());
            long downBefore = forwarded(splicer, pair.slotB());
            byte[] request = new byte[100_000];
            new Random(7).nextBytes(request);
            relay.client.getOutputStream().write(request);
            assertThat(relay.server.getInputStream().readNBytes(request.length)).isEqualTo(request);
            relay.server.getOutputStream().write(new byte[3000]);
            assertThat(relay.client.getInputStream().readNBytes(3000)).hasSize(3000);

            assertThat(forwarded(splicer, pair.slotA()) - upBefore).isEqualTo(request.length);
            assertThat(forwarded(splicer, pair.slotB()) - downBefore).isEqualTo(3000);

            splicer.stopForwardingFrom(pair.cookieA());
            relay.client.getOutputStream().write(new byte[500]);
            relay.server.setSoTimeout(300);
            assertThatThrownBy(() -> relay.server.getInputStream().read()).isInstanceOf(IOException.class);
            assertThat(forwarded(splicer, pair.slotA()) - upBefore).isEqualTo(request.length);
            // left for the owner to read: received, and not taken
            assertThat(splicer.bytesTakenFrom(relay.fromClientFd())).isEqualTo(request.length);
            splicer.release(pair);
        }
    }

    @Test
    void bytesThatArrivedBeforeTheSpliceAreForwardedWithoutWaitingForMore() throws Exception {
        try (KernelSplicer splicer = openOrSkip(8); Relay relay = Relay.open()) {
            // a client that sends before the relay is ready (its first query right behind the password)
            relay.client.getOutputStream().write("early".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100); // received by the relay's socket, which reads nothing
            KernelSplicer.SplicedPair pair = splicer.splice(relay.fromClientFd(), relay.toServerFd());
            assertThat(new String(relay.server.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("early");
            relay.client.getOutputStream().write("later".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(relay.server.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("later");
            splicer.release(pair);
        }
    }

    @Test
    void everySplicedSessionHoldsTwoCounterSlotsUntilReleased() throws Exception {
        try (KernelSplicer splicer = openOrSkip(4); Relay one = Relay.open(); Relay two = Relay.open(); Relay three = Relay.open()) {
            KernelSplicer.SplicedPair first = splicer.splice(one.fromClientFd(), one.toServerFd());
            KernelSplicer.SplicedPair second = splicer.splice(two.fromClientFd(), two.toServerFd());
            assertThat(List.of(first.slotA(), first.slotB(), second.slotA(), second.slotB()))
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThatThrownBy(() -> splicer.splice(three.fromClientFd(), three.toServerFd()))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("all 2 spliced sessions are in use");
            splicer.release(first);
            // its sockets are still members until they close (the proxy closes them a while after the session
            // ends): the freed slots alone decide that the next session is spliced
            KernelSplicer.SplicedPair third = splicer.splice(three.fromClientFd(), three.toServerFd());
            one.close();
            assertThat(List.of(third.slotA(), third.slotB())).containsExactlyInAnyOrder(first.slotA(), first.slotB());
            three.client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(three.server.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
            long[] counts = new long[splicer.counterSlots()];
            assertThat(splicer.readForwarded(counts)).as("slots handed out so far").isEqualTo(4);
            assertThat(counts[third.slotA()]).isGreaterThanOrEqualTo(4);
            splicer.release(second);
            splicer.release(third);
        }
    }

    private static long forwarded(KernelSplicer splicer, int slot) {
        long[] counts = new long[splicer.counterSlots()];
        assertThat(splicer.readForwarded(counts)).isGreaterThan(slot);
        return counts[slot];
    }

    private static KernelSplicer openOrSkip(int maxSockets) {
        assumeTrue(Epoll.isAvailable(), "no epoll transport: " + Epoll.unavailabilityCause());
        try {
            return KernelSplicer.open(maxSockets);
        } catch (BpfException e) {
            assumeTrue(false, "kernel splice unavailable: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    /**
     * client -> [fromClient | toServer] -> server, on loopback: the bracketed pair are the relay's sockets
     * (Netty epoll channels that never read), the ends are plain blocking sockets.
     */
    private record Relay(EventLoopGroup group, Socket client, Channel fromClient, Channel toServer, Socket server)
            implements AutoCloseable {
        static Relay open() throws Exception {
            EventLoopGroup group = new EpollEventLoopGroup(1);
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort());
            Channel fromClient = accepted.get(10, TimeUnit.SECONDS);
            listener.close().sync();
            try (ServerSocket serverListener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Channel toServer = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                        .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                        .connect(serverListener.getLocalSocketAddress()).sync().channel();
                Socket server = serverListener.accept();
                client.setSoTimeout(10_000);
                server.setSoTimeout(10_000);
                return new Relay(group, client, fromClient, toServer, server);
            }
        }

        int fromClientFd() {
            return ((EpollSocketChannel) fromClient).fd().intValue();
        }

        int toServerFd() {
            return ((EpollSocketChannel) toServer).fd().intValue();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
