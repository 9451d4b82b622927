package dev.cairn.httpserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streamed bodies over real sockets: complete bodies (declared length and chunked), backpressure against a
 * client that does not read, a client that goes away, and a producer that fails after the headers went out.
 */
@Timeout(60)
class StreamedResponseTest {
    private static final int MIB = 1 << 20;
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApiServer server;
    private URI base;

    private void start(Routes routes) throws IOException {
        server = HttpApiServer.builder(new InetSocketAddress("127.0.0.1", 0)).name("stream-test").routes(routes).start();
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code n} bytes of a recognisable pattern, written in odd-sized pieces. */
    private static void pattern(OutputStream out, long n) throws IOException {
        byte[] piece = new byte[12_345];
        long at = 0;
        while (at < n) {
            int len = (int) Math.min(piece.length, n - at);
            for (int i = 0; i < len; i++) {
                piece[i] = (byte) ((at + i) % 251);
            }
            out.write(piece, 0, len);
            at += len;
        }
    }

    private static void checkPattern(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] != (byte) (i % 251)) {
                throw new AssertionError("byte " + i + " is " + body[i]);
            }
        }
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void wholeBodiesArriveWithADeclaredLengthOrChunked() throws Exception {
        long n = 5L * MIB + 17;
        start(new Routes()
                .get("/sized", r -> ApiResponse.stream("application/x-tar", n, out -> pattern(out, n)).withHeader("X-Lsn", "0/16B3748"))
                .get("/chunked", r -> ApiResponse.stream("application/octet-stream", -1, out -> {
                    pattern(out, n);
                    out.flush(); // a flush mid-way or at the end changes nothing
                }))
                .get("/empty", r -> ApiResponse.stream("application/octet-stream", 0, out -> {
                })));
        HttpResponse<byte[]> sized = get("/sized");
        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(sized.headers().firstValueAsLong("Content-Length")).hasValue(n);
        assertThat(sized.headers().firstValue("X-Lsn")).hasValue("0/16B3748");
        assertThat(sized.body()).hasSize((int) n);
        checkPattern(sized.body());
        HttpResponse<byte[]> chunked = get("/chunked");
        assertThat(chunked.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(chunked.body()).hasSize((int) n);
        checkPattern(chunked.body());
        assertThat(get("/empty").body()).isEmpty();
        assertThat(get("/sized").body()).hasSize((int) n); // the connection serves on after a streamed body
    }

    @Test
    void aClientThatDoesNotReadHoldsTheProducerBackAndThenGetsEverything() throws Exception {
        long n = 256L * MIB;
        AtomicLong produced = new AtomicLong();
        start(new Routes().get("/big", r -> ApiResponse.stream("application/octet-stream", n, out -> {
            byte[] b = new byte[64 << 10];
            for (long at = 0; at < n; at += b.length) {
                out.write(b);
                produced.addAndGet(b.length);
            }
        })));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 << 10);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String headers = readHeaders(in);
            assertThat(headers).startsWith("HTTP/1.1 200");
            in.readNBytes(1000); // a little of the body, then nothing for a while
            Thread.sleep(1500);
            long ahead = produced.get();
            Thread.sleep(500);
            assertThat(produced.get()).as("the producer is stopped").isEqualTo(ahead);
            // water mark (2 MiB) + a chunk being sent and one being filled + the sockets' buffers
            assertThat(ahead).as("bytes produced while the client did not read").isLessThan(16L * MIB);
            byte[] buf = new byte[1 << 16];
            long got = 1000;
            while (got < n) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
                assertThat(r).as("body cut short at " + got).isPositive();
                got += r;
            }
            assertThat(produced.get()).isEqualTo(n);
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("no headers: " + s);
            }
            s.append((char) b);
        }
        return s.toString();
    }

    @Test
    void aClientThatGoesAwayFailsTheProducer() throws Exception {
        CompletableFuture<Throwable> producerSaw = new CompletableFuture<>();
        start(new Routes().get("/endless", r -> ApiResponse.stream("application/octet-stream", -1, out -> {
            byte[] b = new byte[32 << 10];
            try {
                while (true) {
                    out.write(b);
                }
            } catch (Throwable t) {
                producerSaw.complete(t);
                throw t;
            }
        })));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readNBytes(3 * MIB);
        }
        assertThat(producerSaw.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        // the server serves on
        start(new Routes().get("/ok", r -> ApiResponse.text(200, "text/plain", "ok")));
        assertThat(new String(get("/ok").body(), StandardCharsets.UTF_8)).isEqualTo("ok");
    }

    @Test
    void aProducerThatFailsAfterTheHeadersCutsTheBodyShort() throws Exception {
        long n = 4L * MIB;
        start(new Routes()
                .get("/sized-fails", r -> ApiResponse.stream("application/octet-stream", n, out -> {
                    pattern(out, MIB + 3);
                    throw new IllegalStateException("the disk went away");
                }))
                .get("/sized-fails-at-the-end", r -> ApiResponse.stream("application/octet-stream", n, out -> {
                    pattern(out, n); // every byte declared, then a failure: the body must still not look complete
                    throw new IllegalStateException("checksum mismatch");
                }))
                .get("/sized-short", r -> ApiResponse.stream("application/octet-stream", n, out -> pattern(out, n - 1)))
                .get("/sized-long", r -> ApiResponse.stream("application/octet-stream", n, out -> pattern(out, n + 1)))
                .get("/chunked-fails", r -> ApiResponse.stream("application/octet-stream", -1, out -> {
                    pattern(out, MIB + 3);
                    out.flush();
                    throw new IOException("the disk went away");
                }))
                .get("/chunked-fails-at-once", r -> ApiResponse.stream("application/octet-stream", -1, out -> {
                    throw new IOException("nothing to send");
                })));
        for (String path : new String[] {"/sized-fails", "/sized-fails-at-the-end", "/sized-short", "/sized-long",
                "/chunked-fails", "/chunked-fails-at-once"}) {
            assertThatThrownBy(() -> get(path)).as(path).isInstanceOf(IOException.class);
            // a reader of the raw stream sees fewer bytes than announced, or no last chunk, then the end
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] all = s.getInputStream().readAllBytes();
                String text = new String(all, StandardCharsets.ISO_8859_1);
                assertThat(text).startsWith("HTTP/1.1 200");
                if (path.startsWith("/sized")) {
                    int headerEnd = text.indexOf("\r\n\r\n") + 4;
                    assertThat(all.length - headerEnd).as(path).isLessThan((int) n);
                } else {
                    assertThat(text).as(path).doesNotEndWith("0\r\n\r\n");
                }
            }
        }
        // the PageserverClient way: blocking reads of a declared length
        AtomicReference<byte[]> tail = new AtomicReference<>();
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) base.resolve("/sized-fails").toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            assertThat(c.getContentLengthLong()).isEqualTo(n);
            assertThatThrownBy(() -> tail.set(in.readAllBytes())).isInstanceOf(IOException.class);
        } catch (IOException closing) {
            // closing a stream cut short may complain again
        }
        assertThat(tail.get()).isNull();
    }
}
