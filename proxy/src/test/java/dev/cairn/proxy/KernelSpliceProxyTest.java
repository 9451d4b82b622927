package dev.cairn.proxy;

import dev.cairn.compute.api.ScramVerifier;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a stalled stream blocks in read: interrupt it
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
        return startProxy(ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1))), TlsPolicy.ALLOW)
                .withKernelSplice(kernelSplice));
    }

    private static ProxyServer startProxy(ProxyConfig config) throws InterruptedException {
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
        return ScramBackend.connectVia(via, "ep1", PASSWORD, sslmode);
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
    void aClientThatStopsReadingHoldsTheComputeBackAndThenGetsEveryByte() throws Exception {
        // psql streams a 300 MB COPY into a pipe this test does not read yet: psql blocks and stops reading
        // its socket. The kernel's redirect queue has no bound (unchecked, it took a 2 GB COPY while the
        // client read nothing); the proxy must move that direction back to user space, where TCP holds the
        // compute back, and then deliver every byte in order once the client reads again.
        int rows = 300_000;
        RelayCounts before = proxy.relayCounts();
        ProcessBuilder pb = new ProcessBuilder(backend.cluster().binaries().tool("psql").toString(), "-X", "-q",
                "-d", "host=127.0.0.1 port=" + proxy.address().getPort() + " user=app dbname=appdb sslmode=disable"
                        + " options=endpoint=ep1 application_name=stalled_reader",
                "-c", "COPY (select lpad(i::text, 1000, 'x') from generate_series(1, " + rows + ") i) TO STDOUT");
        pb.environment().put("PGPASSWORD", PASSWORD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process psql = pb.start();
        try {
            String waiting = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!waiting.equals("ClientWrite") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                waiting = backend.cluster().psql("select coalesce(max(wait_event), '') from pg_stat_activity"
                        + " where application_name = 'stalled_reader'").strip();
            }
            assertThat(waiting).as("the compute is held back writing to its stalled client").isEqualTo("ClientWrite");
            assertThat(proxy.relayCounts().directionsBackInUserSpace() - before.directionsBackInUserSpace()).isEqualTo(1);

            long lines = 0;
            long bytes = 0;
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(psql.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines++;
                    bytes += line.length() + 1;
                    String number = Long.toString(lines);
                    assertThat(line.length()).isEqualTo(1000);
                    if (!line.endsWith(number) || line.charAt(999 - number.length()) != 'x') {
                        throw new AssertionError("line " + lines + " out of order or damaged: ..." + line.substring(980));
                    }
                }
            }
            assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(psql.exitValue()).isZero();
            assertThat(lines).isEqualTo(rows);
            assertThat(bytes).isEqualTo(rows * 1001L);
        } finally {
            psql.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aComputeThatStopsReadingHoldsTheClientBackAndThenGetsEveryRow() throws Exception {
        // the other direction: the compute sleeps 5 s on the first COPY row while the client streams 200 MB
        int rows = 200_000;
        RelayCounts before = proxy.relayCounts();
        try (Connection c = connect(proxy, "disable"); Statement s = c.createStatement()) {
            s.execute("create table upload_t (id int, pad text)");
            s.execute("create function upload_slow() returns trigger language plpgsql as $$"
                    + " begin if new.id = 1 then perform pg_sleep(5); end if; return new; end $$");
            s.execute("create trigger upload_slow before insert on upload_t for each row execute function upload_slow()");
            CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY upload_t FROM STDIN", new GeneratedRows(rows));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (proxy.relayCounts().directionsBackInUserSpace() == before.directionsBackInUserSpace()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(proxy.relayCounts().directionsBackInUserSpace() - before.directionsBackInUserSpace())
                    .as("the client's direction went back to user space while the compute slept").isEqualTo(1);
            assertThat(copy).as("the client is held back, not done").isNotDone();
            assertThat(copy.get(60, TimeUnit.SECONDS)).isEqualTo(rows);
            try (ResultSet rs = s.executeQuery("select count(*), sum(id), sum(length(pad)) from upload_t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getLong(2)).isEqualTo((long) rows * (rows + 1) / 2);
                assertThat(rs.getLong(3)).isEqualTo(rows * 1000L);
            }
        }
    }

    /** COPY text rows "i\t" + 1000 characters, made as they are read. */
    private static final class GeneratedRows extends java.io.InputStream {
        private final int rows;
        private int next = 1;
        private byte[] line = new byte[0];
        private int pos;

        GeneratedRows(int rows) {
            this.rows = rows;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == line.length) {
                if (next > rows) {
                    return -1;
                }
                line = (next + "\t" + "y".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII);
                pos = 0;
                next++;
            }
            int n = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, n);
            pos += n;
            return n;
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
            assertThat(plain.relayCounts()).isEqualTo(new RelayCounts(0, 1, 0));
        }
    }

    @Test
    void sessionsBeyondWhatTheSpliceHoldsRelayInUserSpaceAndAClosedSessionMakesRoom() throws Exception {
        ProxyConfig oneSession = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0), null, TlsPolicy.ALLOW)
                .withKernelSplice(true).withMaxSessions(1);
        try (ProxyServer small = startProxy(oneSession)) {
            try (Connection first = connect(small, "disable"); Statement s1 = first.createStatement();
                 Connection second = connect(small, "disable"); Statement s2 = second.createStatement()) {
                assertThat(small.relayCounts()).isEqualTo(new RelayCounts(1, 1, 0));
                assertThat(backendPid(s1)).isNotEqualTo(backendPid(s2)); // both work, either way relayed
            }
            // the closed session's sockets leave the kernel's maps once the proxy has closed them (after
            // RelayHandler.KERNEL_DRAIN_MILLIS); a session after that is spliced again
            Thread.sleep(3 * RelayHandler.KERNEL_DRAIN_MILLIS);
            try (Connection third = connect(small, "disable"); Statement s3 = third.createStatement()) {
                assertThat(backendPid(s3)).isPositive();
            }
            assertThat(small.relayCounts()).isEqualTo(new RelayCounts(2, 1, 0));
        }
    }
}
