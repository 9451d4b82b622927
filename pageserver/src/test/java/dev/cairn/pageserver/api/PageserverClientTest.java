package dev.cairn.pageserver.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.httpapi.ApiException;
import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The basebackup download against a stand-in server that misbehaves on purpose. */
class PageserverClientTest {
    private static final TimelineKey KEY = new TimelineKey(Id128.random(), Id128.random());
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private PageserverClient serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                handler.handle(ex);
            } catch (IOException e) {
                // the handler cut its response short on purpose
            }
        });
        server.start();
        return new PageserverClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private static void lsnHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set(BasebackupHeader.DATA_LSN, "0/16B3748");
        ex.getResponseHeaders().set(BasebackupHeader.START_LSN, "0/16B3780");
        ex.getResponseHeaders().set(BasebackupHeader.PREV_RECORD_LSN, "0/16B3710");
    }

    @Test
    void aCompleteBodyIsHandedOverWithTheAnnouncedLsns() throws IOException {
        byte[] body = new byte[3 << 20];
        body[body.length - 1] = 42;
        PageserverClient client = serve(ex -> {
            lsnHeaders(ex);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        BasebackupHeader h = client.basebackup(KEY, null, Duration.ofSeconds(5), got);
        assertThat(h.dataLsn()).isEqualTo(Lsn.parse("0/16B3748"));
        assertThat(h.startLsn()).isEqualTo(Lsn.parse("0/16B3780"));
        assertThat(got.toByteArray()).isEqualTo(body);
    }

    @Test
    void aBodyCutShortIsAnError() throws IOException {
        PageserverClient client = serve(ex -> {
            lsnHeaders(ex);
            ex.sendResponseHeaders(200, 1 << 20);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[1000]);
            out.flush();
            ex.getHttpContext().getServer().stop(0); // the pageserver dies mid-stream
        });
        assertThatThrownBy(() -> client.basebackup(KEY, null, Duration.ofSeconds(5), OutputStream.nullOutputStream()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("broke off");
    }

    @Test
    void aReaderThatStopsEarlyStillHasTheWholeBodyChecked() throws IOException {
        PageserverClient client = serve(ex -> {
            lsnHeaders(ex);
            ex.sendResponseHeaders(200, 10_000);
            ex.getResponseBody().write(new byte[10_000]);
        });
        long[] announced = {0};
        client.basebackup(KEY, null, Duration.ofSeconds(5), (h, length, tar) -> {
            announced[0] = length;
            tar.readNBytes(100);
        });
        assertThat(announced[0]).isEqualTo(10_000);
    }

    @Test
    void refusalsAndMissingHeadersAreApiExceptions() throws IOException {
        PageserverClient refusing = serve(ex -> {
            byte[] json = "{\"error\":\"lsn_timeout\",\"message\":\"ingest has not reached 0/5000000\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(504, json.length);
            ex.getResponseBody().write(json);
        });
        assertThatThrownBy(() -> refusing.basebackup(KEY, Lsn.parse("0/5000000"), Duration.ofSeconds(1), OutputStream.nullOutputStream()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(e.code()).isEqualTo("lsn_timeout");
                });
        stop();
        PageserverClient headerless = serve(ex -> {
            ex.sendResponseHeaders(200, 3);
            ex.getResponseBody().write(new byte[3]);
        });
        assertThatThrownBy(() -> headerless.basebackup(KEY, null, Duration.ofSeconds(1), OutputStream.nullOutputStream()))
                .isInstanceOf(ApiException.class).hasMessageContaining("lacks " + BasebackupHeader.DATA_LSN);
    }
}
