package dev.cairn.chaos.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay against a real echo server on loopback sockets. */
class FaultyRelayTest {
    private ServerSocket echo;
    private FaultyRelay relay;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        relay = new FaultyRelay("test", 0, new InetSocketAddress("127.0.0.1", echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", relay.port());
        s.setSoTimeout(5_000);
        return s;
    }

    @Test
    void passForwardsBytesBothWaysExactly() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        try (Socket s = connect()) {
            Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(payload);
                } catch (IOException ignored) {
                    // reported by the read below
                }
            });
            byte[] back = s.getInputStream().readNBytes(payload.length);
            assertThat(back).isEqualTo(payload);
            assertThat(relay.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void cutResetsOpenConnectionsAndRefusesNewOnesUntilHealed() throws Exception {
        Socket open = connect();
        roundTrip(open, "before");
        relay.set(LinkFault.CUT);
        assertThatThrownBy(() -> roundTrip(open, "during")).isInstanceOf(IOException.class);
        try (Socket during = connect()) {
            assertThatThrownBy(() -> roundTrip(during, "new")).isInstanceOf(IOException.class);
        }
        relay.set(LinkFault.PASS);
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "healed")).isEqualTo("healed");
        }
    }

    @Test
    void blackholeHoldsBytesSilentlyAndHealingDeliversThemInOrder() throws Exception {
        try (Socket s = connect()) {
            roundTrip(s, "x");
            relay.set(LinkFault.BLACKHOLE);
            s.setSoTimeout(300);
            s.getOutputStream().write("held".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            relay.set(LinkFault.PASS);
            s.setSoTimeout(5_000);
            // nothing is lost from the middle of the stream: a spliced stream is not a network failure
            s.getOutputStream().write("after".getBytes());
            assertThat(new String(s.getInputStream().readNBytes(9))).isEqualTo("heldafter");
        }
    }

    @Test
    void cutDuringABlackholeResetsTheHeldConnection() throws Exception {
        try (Socket s = connect()) {
            roundTrip(s, "x");
            relay.set(LinkFault.BLACKHOLE);
            s.getOutputStream().write("held".getBytes());
            relay.set(LinkFault.CUT);
            assertThatThrownBy(() -> {
                int b = s.getInputStream().read();
                if (b < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void oneWayDeliversOnlyInItsDirection() throws Exception {
        try (Socket s = connect()) {
            roundTrip(s, "x");
            relay.set(new LinkFault.OneWay(LinkFault.Direction.CLIENT_TO_UPSTREAM));
            s.setSoTimeout(300);
            s.getOutputStream().write("req".getBytes()); // reaches the echo server, whose answer is held
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            relay.set(LinkFault.PASS);
            s.setSoTimeout(5_000);
            assertThat(new String(s.getInputStream().readNBytes(3))).isEqualTo("req");
            assertThat(roundTrip(s, "ok")).isEqualTo("ok");
        }
        relay.set(new LinkFault.OneWay(LinkFault.Direction.UPSTREAM_TO_CLIENT));
        try (Socket s = connect()) {
            s.setSoTimeout(300);
            s.getOutputStream().write("held".getBytes()); // held before the server: nothing to echo yet
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            relay.set(LinkFault.PASS);
            s.setSoTimeout(5_000);
            assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("held");
        }
    }

    @Test
    void delayHoldsEveryChunkBack() throws Exception {
        relay.set(new LinkFault.Delay(Duration.ofMillis(200)));
        try (Socket s = connect()) {
            long t = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void closeReleasesThePortAndEveryConnection() throws Exception {
        Socket s = connect();
        roundTrip(s, "x");
        int port = relay.port();
        relay.close();
        assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(IOException.class);
        assertThat(relay.connectionCount()).isZero();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    /** Sends a word and reads the echo (a closed or reset link throws, or returns a short read as EOF). */
    private static String roundTrip(Socket s, String word) throws IOException {
        s.getOutputStream().write(word.getBytes());
        byte[] back = s.getInputStream().readNBytes(word.length());
        if (back.length < word.length()) {
            throw new IOException("link closed after " + back.length + " bytes");
        }
        return new String(back);
    }
}
