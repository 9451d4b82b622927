package dev.cairn.proxy;

import dev.cairn.proxy.auth.ScramVerifier;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.StaticEndpoints;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Plaintext sessions handed to the kernel (BPF sockmap) once authenticated, against a real stock PostgreSQL:
 * bulk bytes both ways, the compute's last words, the client leaving, cancel, and what stays in user space.
 * Needs CAP_BPF and CAP_NET_ADMIN (root here and in CI); elsewhere it is skipped with the kernel's reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KernelSpliceProxyTest {
    private static final String PASSWORD = "spl1ce";
    private static ScramBackend backend;
    private static StaticEndpoints endpoints;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = ScramBackend.start("cairn-splice-it", PASSWORD);
        Map<String, ScramVerifier> roles = Map.of("app", backend.verifier());
        endpoints = new StaticEndpoints(Map.of("ep1", new EndpointConfig("ep1", 50, roles)), Map.of("ep1", backend.address()));
        proxy = startProxy(true);
        assumeTrue(proxy.kernelSplice(), "kernel splice " + proxy.kernelSpliceStatus());
    }

    private static ProxyServer startProxy(boolean kernelSplice) throws InterruptedException {
        var tls = TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1)));
        ProxyConfig config = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0), tls, TlsPolicy.ALLOW)
                .withKernelSplice(kernelSplice);
        return new ProxyServer(config, endpoints, endpoints).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static Connection connect(ProxyServer via, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", sslmode);
        p.setProperty("options", "-c endpoint=ep1");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + via.address().getPort() + "/appdb", p);
    }

    private static int backendPid(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aPlaintextSessionIsForwardedByTheKernelBothWays() throws Exception {
        RelayCounts before = proxy.relayCounts();
        try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
            s.execute("create table kernel_t (id int primary key, v text)");
            s.execute("insert into kernel_t select i, md5(i::text) from generate_series(1, 1000) i");
            try (ResultSet rs = s.executeQuery("select count(*), sum(id), max(v) from kernel_t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getLong(2)).isEqualTo(500_500);
            }
        }
        RelayCounts after = proxy.relayCounts();
        assertThat(after.kernel() - before.kernel()).isEqualTo(1);
        assertThat(after.userSpace()).isEqualTo(before.userSpace());
    }

    @Test
    void bulkCopyInAndAResultReadSlowlyArriveIntact() throws Exception {
        // 40 MB in through COPY and out again to a reader slower than the compute: the kernel must pace
        // both directions, neither dropping nor reordering bytes
        int rows = 200_000;
        StringBuilder data = new StringBuilder();
        for (int i = 1; i <= rows; i++) {
            data.append(i).append('\t').append("x".repeat(100 + i % 97)).append('\n');
        }
        byte[] copy = data.toString().getBytes(StandardCharsets.US_ASCII);
        long expectedBytes = 0;
        for (int i = 1; i <= rows; i++) {
            expectedBytes += 100 + i % 97;
        }
        try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
            s.execute("create table bulk_t (id int, pad text)");
            long copied = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY bulk_t FROM STDIN", new ByteArrayInputStream(copy));
            assertThat(copied).isEqualTo(rows);

            c.setAutoCommit(false);
            s.setFetchSize(1000);
            long seen = 0;
            long idSum = 0;
            long padBytes = 0;
            long expectedId = 1;
            try (ResultSet rs = s.executeQuery("select id, pad from bulk_t order by id")) {
                while (rs.next()) {
                    assertThat(rs.getLong(1)).isEqualTo(expectedId++);
                    idSum += rs.getLong(1);
                    padBytes += rs.getString(2).length();
                    if (++seen % 20_000 == 0) {
                        Thread.sleep(200);
                    }
                }
            }
            c.commit();
            assertThat(seen).isEqualTo(rows);
            assertThat(idSum).isEqualTo((long) rows * (rows + 1) / 2);
            assertThat(padBytes).isEqualTo(expectedBytes);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (select * from bulk_t order by id) TO STDOUT", out);
            assertThat(out.toByteArray()).isEqualTo(copy);
        }
    }

    @Test
    void theComputesFatalErrorReachesTheClientBeforeTheSessionCloses() throws Exception {
        // the kernel may still hold the error when the compute's socket reports its close: the client's
        // side must stay open long enough for it to arrive
        for (int round = 0; round < 10; round++) {
            try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
                int pid = backendPid(s);
                backend.cluster().psql("select pg_terminate_backend(" + pid + ")");
                assertThatThrownBy(() -> s.executeQuery("select 1"))
                        .as("round %d", round)
                        .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
            }
        }
    }

    @Test
    void aClientThatLeavesTakesItsComputeSessionAlong() throws Exception {
        int pid;
        try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
            pid = backendPid(s);
            assertThat(countBackend(pid)).isEqualTo("1");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!countBackend(pid).equals("0") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(countBackend(pid)).as("backend %d still there after its client left", pid).isEqualTo("0");
    }

    private static String countBackend(int pid) {
        return backend.cluster().psql("select count(*) from pg_stat_activity where pid = " + pid).strip();
    }

    @Test
    void cancelReachesASplicedSession() throws Exception {
        try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThatThrownBy(() -> s.executeQuery("select pg_sleep(30)"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            canceller.get(10, TimeUnit.SECONDS);
            assertThat(backendPid(s)).isPositive(); // the session goes on after the cancel
        }
    }

    @Test
    void tlsSessionsStayInUserSpace() throws Exception {
        RelayCounts before = proxy.relayCounts();
        try (Connection c = connect(proxy, "require"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse(); // TLS ends at the proxy; the compute hop is plaintext
        }
        RelayCounts after = proxy.relayCounts();
        assertThat(after.userSpace() - before.userSpace()).isEqualTo(1);
        assertThat(after.kernel()).isEqualTo(before.kernel());
    }

    @Test
    void withTheSpliceOffPlaintextSessionsRelayInUserSpace() throws Exception {
        try (ProxyServer plain = startProxy(false)) {
            assertThat(plain.kernelSplice()).isFalse();
            assertThat(plain.kernelSpliceStatus()).isEqualTo("off");
            try (Connection c = connect(plain, "disable"); Statement s = c.createStatement()) {
                assertThat(backendPid(s)).isPositive();
            }
            assertThat(plain.relayCounts()).isEqualTo(new RelayCounts(0, 1));
        }
    }
}
