package dev.cairn.proxy;

import dev.cairn.pgruntime.PgCluster;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.EndpointResolver;
import dev.cairn.proxy.endpoint.StaticEndpoints;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.util.PSQLException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy in front of a real stock PostgreSQL that authenticates the proxy with SCRAM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyIntegrationTest {
    private static final String PASSWORD = "s3cret";
    private static ScramBackend scram;
    private static PgCluster backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        scram = ScramBackend.start("cairn-proxy-it", PASSWORD);
        backend = scram.cluster();
        BackendAddress address = scram.address();
        Map<String, ScramVerifier> roles = Map.of("app", scram.verifier());
        StaticEndpoints endpoints = new StaticEndpoints(
                Map.of("ep1", new EndpointConfig("ep1", 50, roles),
                        "tiny", new EndpointConfig("tiny", 1, roles),
                        "broken", new EndpointConfig("broken", 5, roles)),
                Map.of("ep1", address, "tiny", address));
        EndpointResolver resolver = endpoint -> endpoint.equals("broken")
                ? CompletableFuture.failedFuture(new IllegalStateException("basebackup failed"))
                : endpoints.wake(endpoint);
        var tls = TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost", "*.localhost"), Duration.ofDays(1)));
        proxy = new ProxyServer(ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0), tls, TlsPolicy.REQUIRE),
                endpoints, resolver).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (scram != null) {
            scram.close();
        }
    }

    private static Connection connect(String endpoint, String password, String sslmode) throws SQLException {
        return ScramBackend.connectVia(proxy, endpoint, password, sslmode);
    }

    private static String sqlState(ThrowingRunnable r) {
        try {
            r.run();
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void pgjdbcOverTlsCreatesWritesReads() throws Exception {
        try (Connection c = connect("ep1", PASSWORD, "require"); Statement s = c.createStatement()) {
            s.execute("create table jdbc_t (id int primary key, v text)");
            s.execute("insert into jdbc_t select g, 'row ' || g from generate_series(1, 1000) g");
            try (ResultSet rs = s.executeQuery("select count(*), max(v), current_user, current_database() from jdbc_t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getString(2)).isEqualTo("row 999");
                assertThat(rs.getString(3)).isEqualTo("app");
                assertThat(rs.getString(4)).isEqualTo("appdb");
            }
            // options other than the endpoint reach the compute
            try (ResultSet rs = s.executeQuery("show application_name")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("PostgreSQL JDBC Driver");
            }
        }
    }

    @Test
    void pgbenchInitCopiesThroughTheRelayAndCopyOutComesBack() throws Exception {
        // pgbench -i streams COPY data faster than a TLS record at a time: the relay must pause and resume
        // reading the client many times (a lost resume once stalled this forever)
        Path log = Files.createTempFile("pgbench-init", ".log");
        ProcessBuilder pb = new ProcessBuilder(backend.binaries().tool("pgbench").toString(), "-i", "-q", "-s", "3",
                "host=127.0.0.1 port=" + proxy.address().getPort() + " user=app dbname=appdb sslmode=require"
                        + " options='-c endpoint=ep1'").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PGPASSWORD", PASSWORD);
        Process pgbench = pb.start();
        boolean finished = pgbench.waitFor(60, TimeUnit.SECONDS);
        pgbench.destroyForcibly();
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(finished).as("pgbench -i through the proxy finished within 60 s: %s", output).isTrue();
        assertThat(pgbench.exitValue()).as(output).isZero();
        try (Connection c = connect("ep1", PASSWORD, "require"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select count(*), sum(aid) from pgbench_accounts")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(300_000);
                assertThat(rs.getLong(2)).isEqualTo(300_000L * 300_001 / 2);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            long rows = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY pgbench_accounts TO STDOUT", out);
            assertThat(rows).isEqualTo(300_000);
            assertThat(out.size()).isGreaterThan(300_000 * 90);
        }
    }

    @Test
    void psqlOverTlsRoutedBySniHostName() throws Exception {
        String conninfo = "host=ep1.localhost hostaddr=127.0.0.1 port=" + proxy.address().getPort()
                + " user=app dbname=appdb sslmode=require";
        String out = psql(conninfo, "create table psql_t (x int); insert into psql_t values (1), (2), (3); "
                + "select sum(x) from psql_t; select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        // ssl=f: the compute hop is plaintext on loopback; the client hop is TLS (sslmode=require would fail otherwise)
        assertThat(out.lines().toList()).containsExactly("6", "f");
    }

    @Test
    void psqlWithEndpointInOptions() throws Exception {
        String conninfo = "host=127.0.0.1 port=" + proxy.address().getPort()
                + " user=app dbname=appdb sslmode=require options=endpoint=ep1";
        assertThat(psql(conninfo, "select 40 + 2")).isEqualTo("42");
    }

    private static String psql(String conninfo, String sql) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(backend.binaries().tool("psql").toString(), "-X", "-q", "-A", "-t",
                "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql);
        pb.environment().put("PGPASSWORD", PASSWORD);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void wrongPasswordIs28P01() {
        assertThat(sqlState(() -> connect("ep1", "nope", "require").close())).startsWith("28P01");
    }

    @Test
    void refusalsWakesAndSessionsAreCounted() throws Exception {
        double refused = metric("cairn_proxy_errors_total", Map.of("sqlstate", "28P01"));
        double unavailable = metric("cairn_proxy_errors_total", Map.of("sqlstate", "57P03"));
        double failedWakes = metric("cairn_proxy_wake_duration_seconds_count", Map.of("outcome", "failed"));
        double wakes = metric("cairn_proxy_wake_duration_seconds_count", Map.of("outcome", "ok"));
        double sessions = metric("cairn_proxy_sessions_total", Map.of("tls", "true"));
        double accepted = metric("cairn_proxy_connections_accepted_total", Map.of());
        assertThat(sqlState(() -> connect("ep1", "nope", "require").close())).startsWith("28P01");
        assertThat(metric("cairn_proxy_errors_total", Map.of("sqlstate", "28P01"))).isEqualTo(refused + 1);
        assertThat(sqlState(() -> connect("broken", PASSWORD, "require").close())).startsWith("57P03");
        assertThat(metric("cairn_proxy_errors_total", Map.of("sqlstate", "57P03"))).isEqualTo(unavailable + 1);
        assertThat(metric("cairn_proxy_wake_duration_seconds_count", Map.of("outcome", "failed"))).isEqualTo(failedWakes + 1);
        try (Connection c = connect("ep1", PASSWORD, "require"); Statement s = c.createStatement()) {
            s.execute("select 1");
            assertThat(metric("cairn_proxy_connections_active", Map.of())).isGreaterThanOrEqualTo(1);
        }
        assertThat(metric("cairn_proxy_wake_duration_seconds_count", Map.of("outcome", "ok"))).isGreaterThan(wakes);
        assertThat(metric("cairn_proxy_sessions_total", Map.of("tls", "true"))).isGreaterThan(sessions);
        assertThat(metric("cairn_proxy_connections_accepted_total", Map.of())).isGreaterThanOrEqualTo(accepted + 3);
        assertThat(proxy.metrics().scrape()).contains("cairn_proxy_wake_duration_seconds_bucket{");
    }

    private static double metric(String name, Map<String, String> labels) {
        double v = dev.cairn.metrics.PrometheusText.parse(proxy.metrics().scrape()).value(name, labels);
        assertThat(v).as("%s%s exported", name, labels).isNotNaN();
        return v;
    }

    @Test
    void unknownEndpointIs3D000WithItsName() {
        assertThat(sqlState(() -> connect("nosuch", PASSWORD, "require").close()))
                .startsWith("3D000").contains("endpoint \"nosuch\" does not exist");
    }

    @Test
    void plaintextWhenTlsRequiredIs28000() {
        assertThat(sqlState(() -> connect("ep1", PASSWORD, "disable").close())).startsWith("28000").contains("TLS is required");
    }

    @Test
    void computeFailingToStartIs57P03() {
        assertThat(sqlState(() -> connect("broken", PASSWORD, "require").close()))
                .startsWith("57P03").contains("basebackup failed");
    }

    @Test
    void connectionLimitIs53300AndFreedOnClose() throws Exception {
        Connection first = connect("tiny", PASSWORD, "require");
        assertThat(sqlState(() -> connect("tiny", PASSWORD, "require").close())).startsWith("53300");
        first.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.limiter().active("tiny") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        try (Connection again = connect("tiny", PASSWORD, "require"); Statement s = again.createStatement()) {
            assertThat(s.execute("select 1")).isTrue();
        }
    }

    @Test
    void cancelThroughTheProxyReachesTheCompute() throws Exception {
        try (Connection c = connect("ep1", PASSWORD, "require"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
                rs.next();
                // the client's key names the compute's backend (with the proxy's own secret, which the cancel below routes)
                assertThat(c.unwrap(org.postgresql.PGConnection.class).getBackendPID()).isEqualTo(rs.getInt(1));
            }
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long started = System.nanoTime();
            assertThatThrownBy(() -> s.executeQuery("select pg_sleep(30)"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            canceller.get(5, TimeUnit.SECONDS);
            try (ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue(); // the session survives a cancel
            }
        }
    }

    @Test
    void garbageStartupPacketGets08P01() throws Exception {
        // a length below the minimum
        assertThat(rawError(new byte[]{0, 0, 0, 3, 'x', 'y', 'z', 'w'})).containsEntry('S', "FATAL").containsEntry('C', "08P01");
        // a plausible length, then parameters without their terminator
        byte[] noTerminator = {0, 0, 0, 12, 0, 3, 0, 0, 'u', 's', 'e', 'r'};
        assertThat(rawError(noTerminator)).containsEntry('S', "FATAL").containsEntry('C', "08P01");
    }

    @Test
    void wrongProtocolVersionGets0A000() throws Exception {
        byte[] v2 = {0, 0, 0, 8, 0, 2, 0, 0};
        Map<Character, String> error = rawError(v2);
        assertThat(error).containsEntry('S', "FATAL").containsEntry('C', "0A000");
        assertThat(error.get('M')).contains("unsupported frontend protocol 2.0");
    }

    @Test
    void plaintextInjectedAfterSslRequestIsRefused() throws Exception {
        try (Socket socket = rawSocket()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            // SSLRequest and, in the same segment, bytes that are not a TLS ClientHello (CVE-2021-23214)
            out.write(new byte[]{0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f, 0, 0, 0, 8, 0, 3, 0, 0});
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 'E');
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).contains("C08P01").contains("unencrypted data after SSL request");
        }
    }

    @Test
    void gssEncryptionIsDeclined() throws Exception {
        try (Socket socket = rawSocket()) {
            socket.getOutputStream().write(new byte[]{0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x30});
            assertThat(socket.getInputStream().read()).isEqualTo('N');
        }
    }

    private static Socket rawSocket() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends raw bytes and reads the one ErrorResponse the proxy must answer with before closing. */
    private static Map<Character, String> rawError(byte[] packet) throws IOException {
        try (Socket socket = rawSocket()) {
            new DataOutputStream(socket.getOutputStream()).write(packet);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 'E');
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            assertThat(in.read()).as("connection closed after the error").isEqualTo(-1);
            Map<Character, String> fields = new HashMap<>();
            int i = 0;
            while (body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return fields;
        }
    }
}
