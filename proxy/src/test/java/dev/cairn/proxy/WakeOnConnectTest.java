package dev.cairn.proxy;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.endpoint.EndpointCatalog;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.EndpointResolver;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Clients that connect while the endpoint is waking wait for the wake future; a wake that
 * misses the deadline is 57P03. Here the backend trusts loopback and TLS comes from PEM files.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WakeOnConnectTest {
    private static final String PASSWORD = "pw-wake";
    private static ScratchDirectory scratch;
    private static PgCluster backend;
    private static ProxyServer proxy;
    /** One pending wake per endpoint, completed by the test: stands in for the compute agent. */
    private static final Map<String, CompletableFuture<BackendAddress>> wakes = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        scratch = ScratchDirectory.create("cairn-proxy-wake");
        Path dir = scratch.path();
        backend = PgCluster.initdb(PgBinaries.locate(), dir.resolve("data"), List.of());
        backend.start(Map.of());
        ScramVerifier verifier = ScramVerifier.fromPassword(PASSWORD, ScramVerifier.DEFAULT_ITERATIONS);
        EndpointCatalog catalog = name -> Optional.of(new EndpointConfig(name, 10, Map.of("postgres", verifier)));
        EndpointResolver resolver = name -> wakes.computeIfAbsent(name, n -> new CompletableFuture<>());
        SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of("localhost", "*.localhost"), Duration.ofDays(1));
        Path certFile = dir.resolve("proxy.crt");
        Path keyFile = dir.resolve("proxy.key");
        cert.writePem(certFile, keyFile);
        ProxyConfig config = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0), TlsContexts.fromPem(certFile, keyFile), TlsPolicy.ALLOW)
                .withWakeTimeout(Duration.ofSeconds(2));
        proxy = new ProxyServer(config, catalog, resolver).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (scratch != null) {
            scratch.close();
        }
    }

    private static Connection connect(String endpoint, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", sslmode);
        p.setProperty("options", "endpoint=" + endpoint);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.address().getPort() + "/postgres", p);
    }

    @Test
    void clientsConnectingDuringTheWakeWaitAndSucceed() throws Exception {
        List<CompletableFuture<Long>> clients = List.of("require", "disable", "require").stream()
                .map(mode -> CompletableFuture.supplyAsync(() -> {
                    try (Connection c = connect("sleepy", mode); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("select count(*) from generate_series(1, 200000)")) {
                        rs.next();
                        return rs.getLong(1);
                    } catch (SQLException e) {
                        throw new RuntimeException(e);
                    }
                })).toList();
        Thread.sleep(700); // the clients are now authenticated and parked on the wake future
        assertThat(clients).noneMatch(CompletableFuture::isDone);
        wakes.computeIfAbsent("sleepy", n -> new CompletableFuture<>()).complete(new BackendAddress("127.0.0.1", backend.port()));
        for (CompletableFuture<Long> c : clients) {
            assertThat(c.get(20, TimeUnit.SECONDS)).isEqualTo(200000L);
        }
    }

    @Test
    void aWakeMissingTheDeadlineIs57P03() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> connect("stuck", "require").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("57P03");
                    assertThat(e.getMessage()).contains("\"stuck\"").contains("did not start within 2000 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
        assertThat(proxy.limiter().active("stuck")).isLessThanOrEqualTo(1);
    }

    @Test
    void computeRefusalIsRelayedVerbatim() throws Exception {
        wakes.computeIfAbsent("awake", n -> new CompletableFuture<>()).complete(new BackendAddress("127.0.0.1", backend.port()));
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "require");
        p.setProperty("options", "endpoint=awake");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.address().getPort() + "/nosuchdb", p).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("3D000");
                    assertThat(e.getMessage()).contains("database \"nosuchdb\" does not exist");
                });
    }

    @Test
    void protocol32IsNegotiatedDownTo30() throws Exception {
        byte[] params = "user\0postgres\0options\0endpoint=awake\0_pq_.fancy\0on\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.address().getPort())) {
            socket.setSoTimeout(10_000);
            var out = new java.io.DataOutputStream(socket.getOutputStream());
            out.writeInt(8 + params.length);
            out.writeInt(3 << 16 | 2);
            out.write(params);
            var in = new java.io.DataInputStream(socket.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 'v');
            in.readInt();
            // PostgreSQL sends the whole version word (PG_PROTOCOL_LATEST), and libpq compares it as such
            assertThat(in.readInt()).as("newest protocol version supported").isEqualTo(3 << 16);
            assertThat(in.readInt()).as("unrecognized options").isEqualTo(1);
            byte[] option = new byte["_pq_.fancy".length() + 1];
            in.readFully(option);
            assertThat(new String(option, 0, option.length - 1, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("_pq_.fancy");
            assertThat(in.readByte()).isEqualTo((byte) 'R');
            in.readInt();
            assertThat(in.readInt()).as("AuthenticationSASL").isEqualTo(10);
        }
    }

    @Test
    void roleWithoutASecretFailsLikeAWrongPassword() {
        wakes.computeIfAbsent("awake", n -> new CompletableFuture<>()).complete(new BackendAddress("127.0.0.1", backend.port()));
        Properties p = new Properties();
        p.setProperty("user", "mallory");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "require");
        p.setProperty("options", "endpoint=awake");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.address().getPort() + "/postgres", p).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }
}
