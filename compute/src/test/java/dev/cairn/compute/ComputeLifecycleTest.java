package dev.cairn.compute;

import dev.cairn.metrics.PrometheusText;
import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointStatus;

import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.httpapi.ApiException;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.grpc.LocalSafekeepers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Serverless endpoints end to end, inside one JVM but with every real part: 3 gRPC safekeepers, the
 * pageserver service, the compute manager running stock PostgreSQL 15 computes, and the proxy in front.
 * Clients connect through the proxy with TLS and SCRAM; the compute wakes on connect, suspends (postgres
 * gone, local state deleted), wakes again with everything, survives a SIGKILL of postgres, and is fenced
 * by a second compute for the same timeline.
 */
class ComputeLifecycleTest {
    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path dir;

    private final ExecutorService clients = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r));
    private ServerlessCluster cluster;
    private LocalSafekeepers safekeepers;
    private PageserverClient pageserver;
    private ComputeManager manager;
    private ComputeManagerClient managerClient;
    private ProxyServer proxy;
    private TimelineKey timeline;
    private Path computeStates;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ServerlessCluster.start(dir, PASSWORD, Map.of());
        safekeepers = cluster.safekeepers;
        pageserver = cluster.pageserver;
        manager = cluster.manager;
        managerClient = cluster.managerClient;
        proxy = cluster.proxy;
        timeline = cluster.timeline;
        computeStates = cluster.computeStates;
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
        clients.shutdownNow();
    }

    @Test
    void wakesOnConnectSuspendsAndWakesWithEverything() throws Exception {
        assertThat(managerClient.status("main").state()).isEqualTo("suspended");
        // two clients arrive while the endpoint is cold: both wait for the one start and succeed
        Future<Long> first = clients.submit(() -> count("SELECT 1"));
        Future<Long> second = clients.submit(() -> count("SELECT 2"));
        assertThat(first.get(120, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(second.get(120, TimeUnit.SECONDS)).isEqualTo(2);
        EndpointStatus running = managerClient.status("main");
        assertThat(running.state()).isEqualTo("running");
        assertThat(running.pid()).isNotNull();
        Path data = Path.of(running.dataDirectory());
        assertThat(data).isDirectory();
        // where the start went, as the HTTP API reports it: a basebackup of a fresh cluster is tens of MB
        assertThat(running.lastBoot()).isNotNull();
        assertThat(running.lastBoot().basebackupBytes()).isGreaterThan(10_000_000L);
        assertThat(running.lastBoot().totalMillis()).isPositive();
        // and as the manager's metrics report it: one boot, each phase timed, the endpoint counted as running
        PrometheusText metrics = PrometheusText.parse(manager.metrics().scrape());
        for (String phase : List.of("sync", "basebackup", "postgres")) {
            assertThat(metrics.value("cairn_compute_boot_phase_duration_seconds_count", Map.of("phase", phase)))
                    .as("boots timed in phase %s", phase).isEqualTo(1.0);
        }
        assertThat(metrics.value("cairn_compute_boot_phase_duration_seconds_sum", Map.of("phase", "basebackup")))
                .isEqualTo(running.lastBoot().basebackupMillis() / 1000.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(metrics.value("cairn_compute_endpoints", Map.of("state", "running"))).isEqualTo(1.0);
        assertThat(metrics.value("cairn_compute_endpoints", Map.of("state", "suspended"))).isEqualTo(0.0);
        assertThat(metrics.value("cairn_compute_wake_duration_seconds_count", Map.of("outcome", "ok"))).isGreaterThanOrEqualTo(1.0);

        execute("CREATE TABLE accounts (id int PRIMARY KEY, balance bigint)",
                "INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 500) g");

        EndpointStatus suspended = managerClient.suspend("main");
        assertThat(suspended.state()).isEqualTo("suspended");
        assertThat(ProcessHandle.of(running.pid()).filter(ProcessHandle::isAlive)).as("postgres after suspend").isEmpty();
        assertThat(Files.exists(data)).as("compute-local state after suspend").isFalse();

        assertThat(count("SELECT sum(balance) FROM accounts")).isEqualTo(50_000);
        EndpointStatus again = managerClient.status("main");
        assertThat(again.pid()).isNotEqualTo(running.pid());
        assertThat(PrometheusText.parse(manager.metrics().scrape())
                .value("cairn_compute_boot_phase_duration_seconds_count", Map.of("phase", "sync"))).as("boots after a suspend").isEqualTo(2.0);
        assertThat(again.syncLsn()).isNotEqualTo(running.syncLsn());
    }

    @Test
    void killedPostgresIsRestartedWithEveryAcknowledgedCommit() throws Exception {
        execute("CREATE TABLE t (id int)");
        for (int i = 0; i < 20; i++) {
            execute("INSERT INTO t VALUES (" + i + ")");
        }
        EndpointStatus before = managerClient.status("main");
        ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
        long deadline = System.currentTimeMillis() + 90_000;
        EndpointStatus after = managerClient.status("main");
        while (!(after.restarts() >= 1 && "running".equals(after.state()))) {
            assertThat(System.currentTimeMillis()).as("restart of the compute: %s", after).isLessThan(deadline);
            Thread.sleep(200);
            after = managerClient.status("main");
        }
        assertThat(after.pid()).isNotEqualTo(before.pid());
        assertThat(count("SELECT count(*) FROM t")).isEqualTo(20);
    }

    @Test
    void aSecondComputeForTheTimelineFencesTheFirst() throws Exception {
        execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        ComputeAgent intruder = new ComputeAgent(new ComputeSpec("intruder", timeline, safekeepers.addresses(),
                pageserver.base(), PgBinaries.locate(), "127.0.0.1", computeStates.resolve("intruder"), Map.of()));
        cluster.closeLater(intruder);
        intruder.start();
        long deadline = System.currentTimeMillis() + 30_000;
        EndpointStatus first = managerClient.status("main");
        while (!"failed".equals(first.state())) {
            assertThat(System.currentTimeMillis()).as("first compute fenced: %s", first).isLessThan(deadline);
            Thread.sleep(100);
            first = managerClient.status("main");
        }
        assertThat(first.lastError()).contains("fenced");
        assertThat(first.pid()).isNull();
        // the intruder has everything the first one acknowledged
        assertThat(intruder.address()).isNotNull();
    }

    @Test
    void revokingTheTenantsCmkTerminatesItsComputeAndRestoringItBringsEverythingBack() throws Exception {
        execute("CREATE TABLE t (id int, note text)",
                "INSERT INTO t SELECT g, 'before revocation' FROM generate_series(1, 300) g");
        EndpointStatus running = managerClient.status("main");
        Path data = Path.of(running.dataDirectory());
        LocalKmsProvider kms = new LocalKmsProvider(dir.resolve("kms.json"), false, InstantSource.system());
        String cmk = "tenant-" + timeline.tenant();

        // a client in the middle of its work when the customer disables the CMK; ingest is busy with its WAL
        Connection open = connect("main", PASSWORD);
        List<Integer> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        Future<?> writer = clients.submit(() -> {
            try (Connection w = connect("main", PASSWORD); Statement st = w.createStatement()) {
                for (int i = 1000; ; i++) {
                    st.execute("INSERT INTO t SELECT " + i + ", repeat('x', 200) FROM generate_series(1, 20)");
                    acknowledged.add(i);
                }
            } catch (SQLException e) {
                return null; // the compute was terminated
            }
        });
        while (acknowledged.size() < 20) {
            Thread.sleep(20);
        }
        kms.disableKey(cmk);
        long revokedAt = System.nanoTime();
        EndpointStatus after = awaitTerminated(revokedAt);
        long terminatedMillis = Duration.ofNanos(System.nanoTime() - revokedAt).toMillis();
        assertThat(after.lastError()).contains("revoked").contains(timeline.tenant().toString());
        assertThat(ProcessHandle.of(running.pid()).filter(ProcessHandle::isAlive)).as("postgres after revocation").isEmpty();
        assertThat(Files.exists(data)).as("compute-local state after revocation").isFalse();
        assertThatThrownBy(() -> open.createStatement().execute("INSERT INTO t VALUES (0, 'after')"))
                .isInstanceOf(SQLException.class);
        open.close();

        // new connections get a clear, non-retryable error; the stored data cannot be read
        assertThatThrownBy(() -> connect("main", PASSWORD)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains("revoked").contains(cmk);
        });
        assertThat(pageserverRefusal(Duration.ofSeconds(10)).status()).as("pageserver basebackup").isEqualTo(403);

        // restore: the next connection wakes a compute with every row
        kms.enableKey(cmk);
        assertThat(countOnceAwakeAgain("SELECT count(*) FROM t WHERE note = 'before revocation'")).isEqualTo(300);
        writer.get(60, TimeUnit.SECONDS);
        assertThat(count("SELECT count(DISTINCT id) FROM t WHERE id >= 1000")).as("acknowledged inserts")
                .isGreaterThanOrEqualTo(acknowledged.size());
        execute("INSERT INTO t VALUES (1, 'after restore')");
        assertThat(count("SELECT count(*) FROM t WHERE note = 'after restore'")).isEqualTo(1);
        assertThat(pageserver.timeline(timeline).state()).as("ingest after the revocation").isEqualTo("active");
        System.out.printf("revocation: compute terminated %d ms after the CMK was disabled%n", terminatedMillis);
    }

    @Test
    void revokingTheCmkWhileTheComputeBootsLeavesNothingRunning() throws Exception {
        LocalKmsProvider kms = new LocalKmsProvider(dir.resolve("kms.json"), false, InstantSource.system());
        String cmk = "tenant-" + timeline.tenant();
        Future<BackendAddress> wake = clients.submit(() -> managerClient.wake("main", Duration.ofSeconds(60)));
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"starting".equals(managerClient.status("main").state())) {
            assertThat(System.currentTimeMillis()).as("compute never seen starting").isLessThan(deadline);
            Thread.sleep(5);
        }
        kms.disableKey(cmk);
        long revokedAt = System.nanoTime();
        EndpointStatus after = awaitTerminated(revokedAt);
        // whichever came first, the boot or the revocation, the outcome is the same
        assertThat(after.lastError()).contains("revoked");
        assertThat(after.pid()).isNull();
        try {
            wake.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).hasMessageContaining("revoked");
        }
        assertThat(managerClient.status("main").state()).as("after the wake returned").isEqualTo("failed");
        assertThat(postgresProcessesUnder(computeStates)).as("postgres of the revoked tenant").isEmpty();
        try (var left = Files.list(computeStates)) {
            assertThat(left.toList()).as("compute-local state of the revoked tenant").isEmpty();
        }

        kms.enableKey(cmk);
        assertThat(countOnceAwakeAgain("SELECT count(*) FROM pg_class WHERE relname = 'pg_class'")).isEqualTo(1);
        execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        assertThat(count("SELECT count(*) FROM t")).isEqualTo(1);
    }

    /** The endpoint's status once it is "failed", at most 30 s after {@code revokedAt} (System.nanoTime). */
    private EndpointStatus awaitTerminated(long revokedAt) throws InterruptedException {
        EndpointStatus status = managerClient.status("main");
        while (!"failed".equals(status.state())) {
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).as("compute terminated: %s", status)
                    .isLessThan(Duration.ofSeconds(30));
            Thread.sleep(100);
            status = managerClient.status("main");
        }
        return status;
    }

    /** After the CMK is enabled again: the first wakes may still be refused until the KMS is asked again. */
    private long countOnceAwakeAgain(String sql) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                return count(sql);
            } catch (SQLException e) {
                assertThat(System.currentTimeMillis()).as("wake after restore: %s", e.getMessage()).isLessThan(deadline);
                Thread.sleep(500);
            }
        }
    }

    private static List<ProcessHandle> postgresProcessesUnder(Path root) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(root.toString())).orElse(false)).toList();
    }

    @Test
    void unknownEndpointAndWrongPasswordAreRefusedWithSqlStates() {
        assertThatThrownBy(() -> connect("nope", PASSWORD)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getMessage()).contains("nope"));
        assertThatThrownBy(() -> connect("main", "wrong")).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    /** The pageserver notices a revocation within its key check interval; waits for its refusal. */
    private ApiException pageserverRefusal(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                pageserver.basebackup(timeline, null, Duration.ofSeconds(5), java.io.OutputStream.nullOutputStream());
            } catch (ApiException e) {
                return e;
            }
            assertThat(System.nanoTime()).as("pageserver refuses the revoked tenant").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = connect("main", PASSWORD); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = connect("main", PASSWORD); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private Connection connect(String endpoint, String password) throws SQLException {
        return cluster.connect(endpoint, password);
    }
}
