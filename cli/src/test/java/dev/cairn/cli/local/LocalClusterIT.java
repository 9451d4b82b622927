package dev.cairn.cli.local;

import dev.cairn.local.ClusterDir;
import dev.cairn.local.Supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.pgruntime.RunningProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's first command, as a user runs it: {@code cairn local start} brings up 3 safekeepers, the
 * pageserver, the compute manager and the proxy as processes; psql and pgjdbc connect through the proxy to
 * a compute that wakes on connect, suspends when idle, survives SIGKILLs of its parts (a SIGKILLed compute
 * manager leaves no compute behind, restarted or not), and the data outlives {@code local stop} and a new
 * {@code local start}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IDLE_SUSPEND_SECONDS = 6;
    /** Deleted after the class passes (each run leaves hundreds of MB); kept for a look when it fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static int port;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        port = freeBase();
        ProcessResult r = CairnJar.run(300, "local", "start", "--dir", dir.toString(), "--port", Integer.toString(port),
                "--idle-suspend", Integer.toString(IDLE_SUSPEND_SECONDS));
        assertThat(r.exitCode()).as("local start failed:\n%s\n%s\nsupervisor log:\n%s", r.stdout(), r.stderr(),
                tail("supervisor")).isZero();
        url = CairnJar.connectionUrl(r);
        assertThat(url).startsWith("postgresql://postgres:").contains("sslmode=require").contains("endpoint%3Dmain");
    }

    @AfterAll
    static void stop() {
        if (dir != null) {
            CairnJar.stopLocal(dir);
        }
    }

    @Test
    @Order(1)
    void psqlThroughTheProxyWritesAndReads() {
        String out = psql(url, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint);"
                + "INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 1000) g;"
                + "SELECT count(*), sum(balance) FROM accounts;");
        assertThat(out).contains("1000|100000");
    }

    @Test
    @Order(2)
    void noComponentLogHasAJvmWarning() throws Exception {
        // JDK 24+ warns at the first sun.misc.Unsafe memory access and native library load unless allowed
        // (RunningJar.JVM_OPTIONS, the manifest's Enable-Native-Access); a compute has started by now.
        try (var logs = Files.list(dir.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readAllLines(log)).as(log.toString()).noneMatch(l -> l.startsWith("WARNING:"));
            }
        }
    }

    @Test
    @Order(2)
    void statusReportsEveryComponentWithLsns() throws Exception {
        JsonNode status;
        try (Connection held = jdbc()) { // a session open while status runs (a JVM start): no idle suspend meanwhile
            assertThat(held.isValid(10)).isTrue();
            status = status();
        }
        assertThat(status.get("ready").asBoolean()).isTrue();
        List<String> names = names(status);
        assertThat(names).containsExactly("safekeeper-1", "safekeeper-2", "safekeeper-3", "pageserver",
                "compute-manager", "proxy");
        for (JsonNode c : status.get("components")) {
            assertThat(c.get("state").asText()).as(c.toString()).isEqualTo("running");
            assertThat(c.get("pid").asLong()).isPositive();
            assertThat(ProcessHandle.of(c.get("pid").asLong())).isPresent();
        }
        JsonNode sk1 = component(status, "safekeeper-1");
        assertThat(sk1.at("/timeline/commitLsn").asText()).matches("[0-9A-F]+/[0-9A-F]{8}");
        assertThat(component(status, "pageserver").at("/timeline/ingestedLsn").asText()).matches("[0-9A-F]+/[0-9A-F]{8}");
        assertThat(component(status, "compute-manager").at("/endpoints/0/state").asText()).isEqualTo("running");
    }

    @Test
    @Order(3)
    void wrongPasswordAndUnknownEndpointGetProperErrors() {
        ProcessResult wrong = psqlResult(url.replaceFirst("postgres:[^@]+@", "postgres:not-the-password@"), "SELECT 1");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("password authentication failed");
        ProcessResult unknown = psqlResult(url.replace("endpoint%3Dmain", "endpoint%3Dnope"), "SELECT 1");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("nope");
    }

    @Test
    @Order(4)
    void idleEndpointSuspendsAndWakesWithItsData() throws Exception {
        long computePid;
        String dataDir;
        // wakes it, if the idle timeout already suspended it, and stays open while status runs (a JVM start)
        try (Connection held = jdbc()) {
            assertThat(held.isValid(10)).isTrue();
            JsonNode endpoint = component(status(), "compute-manager").at("/endpoints/0");
            computePid = endpoint.get("pid").asLong();
            dataDir = endpoint.get("dataDirectory").asText();
        }
        assertThat(computePid).isPositive();
        awaitStatus("the endpoint suspended", s -> "suspended".equals(component(s, "compute-manager")
                .at("/endpoints/0/state").asText()), 60, "compute-manager", "proxy");
        assertThat(ProcessHandle.of(computePid).filter(ProcessHandle::isAlive)).as("postgres of the suspended compute").isEmpty();
        assertThat(Path.of(dataDir)).as("compute-local state of the suspended compute").doesNotExist();
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*), sum(balance) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1000);
            assertThat(rs.getLong(2)).isEqualTo(100_000);
        }
    }

    @Test
    @Order(5)
    void killedSafekeeperIsRestartedAndCommitsContinue() throws Exception {
        JsonNode sk2 = component(status(), "safekeeper-2");
        ProcessHandle.of(sk2.get("pid").asLong()).orElseThrow().destroyForcibly();
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
            s.executeUpdate("UPDATE accounts SET balance = balance + 10 WHERE id = 2");
        }
        JsonNode after = awaitStatus("safekeeper-2 restarted by the supervisor", s -> {
            JsonNode c = component(s, "safekeeper-2");
            return c.get("restarts").asInt() >= 1 && "running".equals(c.get("state").asText());
        }, 60, "supervisor");
        assertThat(component(after, "safekeeper-2").get("pid").asLong()).isNotEqualTo(sk2.get("pid").asLong());
        assertThat(Files.readString(dir.resolve("logs/supervisor.log"))).contains("safekeeper-2").contains("restarting");
    }

    @Test
    @Order(6)
    void commitsBlockWhileTwoSafekeepersArePausedAndResumeAfter() throws Exception {
        JsonNode status = status();
        long sk1 = component(status, "safekeeper-1").get("pid").asLong();
        long sk3 = component(status, "safekeeper-3").get("pid").asLong();
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO accounts VALUES (3000, 0)"); // compute awake, quorum fine
            signal("STOP", sk1, sk3); // two of three safekeepers frozen: no quorum
            java.util.concurrent.CompletableFuture<Integer> blocked = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return s.executeUpdate("INSERT INTO accounts VALUES (3001, 0)");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(3000);
            assertThat(blocked).as("commit acknowledged without a quorum").isNotDone();
            signal("CONT", sk1, sk3);
            assertThat(blocked.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            signal("CONT", sk1, sk3);
        }
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM accounts WHERE id IN (3000, 3001)");
        }
    }

    /**
     * Backpressure (DESIGN.md 2.4): while the pageserver cannot ingest (SIGSTOP, then SIGKILL and the
     * supervisor's restart), a burst's commits stop once the quorum is ahead of the pageserver by the bound
     * (16 MiB by default) plus the one transaction in flight, and go on once it ingests again; nothing
     * acknowledged is lost.
     */
    @Test
    @Order(7)
    void burstIsHeldBackWhileThePageserverCannotIngest() throws Exception {
        long bound = dev.cairn.compute.ComputeSpec.DEFAULT_MAX_INGEST_LAG_BYTES;
        long slack = 16L << 20; // the transaction in flight, whose WAL the compute sends before it waits
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE burst (id int, v text)");
        }
        java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastCommitNanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Void> burst = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (Connection c = jdbc(); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    s.executeUpdate("INSERT INTO burst SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g");
                    commits.incrementAndGet();
                    lastCommitNanos.set(System.nanoTime());
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            awaitCommits(commits, 3);
            long pageserverPid = component(status(), "pageserver").get("pid").asLong();
            String ingestedBefore = component(status(), "pageserver").at("/timeline/ingestedLsn").asText();
            signal("STOP", pageserverPid);
            try {
                Thread.sleep(8000);
                long held = commits.get();
                Thread.sleep(3000);
                assertThat(commits.get()).as("commits while the pageserver is stopped, after the bound filled")
                        .isEqualTo(held);
                assertThat(System.nanoTime() - lastCommitNanos.get()).as("commit latency while held")
                        .isGreaterThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(3));
                long lag = lsnBytes(component(status(), "safekeeper-1").at("/timeline/commitLsn").asText()) - lsnBytes(ingestedBefore);
                assertThat(lag).as("quorum ahead of the pageserver's last ingested LSN").isLessThanOrEqualTo(bound + slack);
            } finally {
                signal("CONT", pageserverPid);
            }
            awaitCommits(commits, commits.get() + 3);

            signal("KILL", component(status(), "pageserver").get("pid").asLong());
            long atKill = commits.get();
            awaitStatus("the pageserver restarted and ingesting", st -> {
                JsonNode ps = component(st, "pageserver");
                return "running".equals(ps.path("state").asText()) && ps.path("timeline").has("ingestedLsn");
            }, 90, "pageserver", "supervisor");
            awaitCommits(commits, atKill + 3);
        } finally {
            stop.set(true);
        }
        burst.get(120, java.util.concurrent.TimeUnit.SECONDS);
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM burst")) {
            rs.next();
            assertThat(rs.getLong(1)).as("every acknowledged insert").isEqualTo(commits.get() * 2000);
            s.execute("DROP TABLE burst");
        }
    }

    /**
     * Tablespaces through the product: one in place and one with a directory on the compute's host, a table
     * and an index in each, survive a suspend and wake and a SIGKILL of the compute's postmaster; every new
     * compute has both in place under pg_tblspc/OID, and what the first compute wrote into the directory is
     * deleted with its local state.
     */
    @Test
    @Order(8)
    void tablespacesOfBothKindsSurviveSuspendAndKill() throws Exception {
        Path locations = Files.createTempDirectory("cairn-ts-");
        try {
            Files.setPosixFilePermissions(locations, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path location = Files.createDirectory(locations.resolve("located"));
            dev.cairn.pgruntime.ServerUser.current().own(location);
            try (Connection c = jdbc(); Statement s = c.createStatement()) {
                s.execute("SET allow_in_place_tablespaces = true");
                s.execute("CREATE TABLESPACE ts_inplace LOCATION ''");
                s.execute("CREATE TABLESPACE ts_located LOCATION '" + location + "'");
                s.execute("CREATE TABLE in_place (id int PRIMARY KEY USING INDEX TABLESPACE ts_located, v text) TABLESPACE ts_inplace");
                s.execute("INSERT INTO in_place SELECT g, 'row ' || g FROM generate_series(1, 500) g");
                s.execute("CREATE TABLE located (id int, v text) TABLESPACE ts_located");
                s.execute("INSERT INTO located SELECT g, 'row ' || g FROM generate_series(1, 300) g");
                s.execute("CREATE INDEX located_id ON located (id) TABLESPACE ts_inplace");
            }
            try (var written = Files.list(location)) {
                assertThat(written.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("PG_15_");
            }
            CairnJar.run(120, "endpoint", "stop", "main", "--dir", dir.toString()).requireSuccess("endpoint stop");
            try (var left = Files.list(location)) {
                assertThat(left.toList()).as("what the suspended compute wrote outside its data directory").isEmpty();
            }
            try (Connection held = jdbcOnceAwake()) { // an open session: the idle timer must not suspend it meanwhile
                assertTablespaceData(500, 300);
                long postmaster = component(status(), "compute-manager").at("/endpoints/0/pid").asLong();
                assertThat(postmaster).isPositive();
                signal("KILL", postmaster);
            }
            try (Connection c = jdbcOnceAwake(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO located SELECT g, 'after kill' FROM generate_series(301, 350) g");
            }
            assertTablespaceData(500, 350);
            try (Connection c = jdbc(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE in_place");
                s.execute("DROP TABLE located");
                s.execute("DROP TABLESPACE ts_inplace");
                s.execute("DROP TABLESPACE ts_located");
            }
        } finally {
            ScratchDirectory.deleteTree(locations);
        }
    }

    /** Both tables read through their indexes and sequentially, and both tablespaces are in place. */
    private static void assertTablespaceData(long inPlace, long located) throws Exception {
        try (Connection c = jdbcOnceAwake(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            assertThat(query(s, "SELECT count(*) FROM in_place WHERE id > 0")).isEqualTo(Long.toString(inPlace));
            assertThat(query(s, "SELECT count(*) FROM located WHERE id > 0")).isEqualTo(Long.toString(located));
            s.execute("RESET enable_seqscan");
            assertThat(query(s, "SELECT count(*) FROM located")).isEqualTo(Long.toString(located));
            assertThat(query(s, "SELECT string_agg((pg_tablespace_location(oid) = 'pg_tblspc/' || oid)::text, ',')"
                    + " FROM pg_tablespace WHERE spcname LIKE 'ts_%'")).isEqualTo("true,true");
        }
    }

    private static String query(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A connection once the endpoint's compute is back (after a kill, the first attempts may meet the old one going). */
    private static Connection jdbcOnceAwake() throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            try {
                Connection c = jdbc();
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                return c;
            } catch (SQLException e) {
                assertThat(System.currentTimeMillis()).as("compute back: %s", e.getMessage()).isLessThan(deadline);
                Thread.sleep(500);
            }
        }
    }

    private static void awaitCommits(java.util.concurrent.atomic.AtomicLong commits, long atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (commits.get() < atLeast) {
            assertThat(System.currentTimeMillis()).as("%s commits (have %s)", atLeast, commits.get()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long lsnBytes(String lsn) {
        return dev.cairn.common.Lsn.parse(lsn).value();
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (RunningProcess.isRunning(pid) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(RunningProcess.isRunning(pid)).as("process %d after SIGKILL", pid).isFalse();
    }

    private static void signal(String sig, long... pids) {
        for (long pid : pids) {
            ProcessRunner.run(List.of("kill", "-" + sig, Long.toString(pid)), null, 10);
        }
    }

    @Test
    @Order(9)
    void killedComputeComesBackWithEveryAcknowledgedCommit() throws Exception {
        try (Connection c = jdbc(); Statement s = c.createStatement()) { // open until the kill: no idle suspend
            for (int i = 0; i < 50; i++) {
                s.executeUpdate("INSERT INTO accounts VALUES (" + (2000 + i) + ", 1)");
            }
            long computePid = component(status(), "compute-manager").at("/endpoints/0/pid").asLong();
            assertThat(computePid).as("compute running right after the inserts").isPositive();
            ProcessHandle.of(computePid).orElseThrow().destroyForcibly();
        }
        try (Connection c = jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(balance) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1050);
            assertThat(rs.getLong(2)).isEqualTo(100_050);
        }
    }

    @Test
    @Order(10)
    void killedComputeManagerIsRestartedAndStopsTheComputeItLeftRunning() throws Exception {
        try (Connection held = jdbc()) { // an open session: the idle timer must not suspend the compute meanwhile
            assertThat(held.isValid(10)).isTrue();
            OrphanCandidate compute = awakeCompute();
            signal("KILL", compute.managerPid());
            awaitGone(compute.managerPid());
            compute.assertStillThere();

            // it answers only once it has cleaned up: its startup stops the old computes before it serves
            awaitStatus("the compute manager restarted and answering", s -> {
                JsonNode c = component(s, "compute-manager");
                return c.get("restarts").asInt() >= 1 && !c.at("/endpoints/0/state").isMissingNode();
            }, 60, "supervisor", "compute-manager");
            compute.assertGone();
            assertThat(Files.readString(dir.resolve("logs/compute-manager.log"))).contains(compute.stoppedByCleanup());
        }
        assertThat(psql(url, "SELECT count(*), sum(balance) FROM accounts")).contains("1050|100050");
    }

    @Test
    @Order(11)
    void disablingTheTenantsCmkTerminatesTheComputeAndEnablingItRestoresAccess() throws Exception {
        JsonNode endpoint = component(status(), "compute-manager").at("/endpoints/0");
        assertThat(psql(url, "SELECT count(*) FROM accounts")).contains("1050"); // awake
        long computePid = component(status(), "compute-manager").at("/endpoints/0/pid").asLong();
        String cmk = "tenant-" + endpoint.get("tenant").asText();
        String keyring = dir.resolve("kms").resolve("local-kms.json").toString();

        try {
            ProcessResult disable = CairnJar.run(60, "keys", "cmk", "disable", cmk, "--local-kms", keyring);
            assertThat(disable.exitCode()).as(disable.stderr()).isZero();
            assertThat(disable.stdout()).contains("disabled");
            JsonNode terminated = awaitStatus("the compute terminated after the CMK was disabled",
                    s -> component(s, "compute-manager").at("/endpoints/0/state").asText().equals("failed"), 30,
                    "compute-manager");
            assertThat(component(terminated, "compute-manager").at("/endpoints/0/lastError").asText()).contains("revoked");
            assertThat(ProcessHandle.of(computePid).filter(ProcessHandle::isAlive)).as("postgres of the revoked tenant").isEmpty();
            // the proxy's idle timer fires after the termination; it must not hide the revocation as "suspended"
            Thread.sleep((IDLE_SUSPEND_SECONDS + 2) * 1000L);
            assertThat(component(status(), "compute-manager").at("/endpoints/0/state").asText())
                    .as("endpoint state once the idle timeout has passed").isEqualTo("failed");
            ProcessResult refused = psqlResult(url, "SELECT 1");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("revoked").contains(cmk);
        } finally {
            // enabled again even when an assertion above failed: the scenarios after this one need the keys
            ProcessResult enable = CairnJar.run(60, "keys", "cmk", "enable", cmk, "--local-kms", keyring);
            assertThat(enable.exitCode()).as(enable.stderr()).isZero();
        }
        long deadline = System.currentTimeMillis() + 60_000;
        ProcessResult back = psqlResult(url, "SELECT count(*) FROM accounts");
        while (back.exitCode() != 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            back = psqlResult(url, "SELECT count(*) FROM accounts");
        }
        assertThat(back.exitCode()).as("wake after restore: %s", back.stderr()).isZero();
        assertThat(back.stdout()).contains("1050");
    }

    @Test
    @Order(12)
    void localStopAfterTheSupervisorAndTheManagerWereKilledLeavesNoCompute() throws Exception {
        try (Connection held = jdbc()) {
            assertThat(held.isValid(10)).isTrue();
            OrphanCandidate compute = awakeCompute();
            // the supervisor first, so that nothing restarts the manager: only `local stop` can clean up now
            long supervisor = Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim());
            signal("KILL", supervisor, compute.managerPid());
            awaitGone(supervisor);
            awaitGone(compute.managerPid());
            compute.assertStillThere();

            ProcessResult stop = CairnJar.run(180, "local", "stop", "--dir", dir.toString());
            assertThat(stop.exitCode()).as(stop.stderr()).isZero();
            assertThat(stop.stderr()).contains(compute.stoppedByCleanup())
                    .contains("stopped the leftover compute of endpoint main");
            compute.assertGone();
        }
        assertThat(dir.resolve("compute-manager/computes")).as("compute records").isEmptyDirectory();
    }

    /** The running compute of endpoint main, and the manager that started it. */
    private record OrphanCandidate(long managerPid, long postgresPid, List<Long> children, Path stateDir) {
        /** What this guards against: postgres and its plaintext state outlive the manager that ran them. */
        void assertStillThere() {
            assertThat(running(postgresPid)).as("postgres of the dead manager").isTrue();
            assertThat(stateDir).as("state of the dead manager's compute").isDirectory();
        }

        void assertGone() {
            assertThat(running(postgresPid)).as("the orphaned postgres").isFalse();
            assertThat(children).as("its children").isNotEmpty().noneMatch(OrphanCandidate::running);
            assertThat(stateDir).as("the orphaned compute's state directory").doesNotExist();
        }

        /** What the cleanup logs when it stopped this postgres (rather than finding it gone already). */
        String stoppedByCleanup() {
            return "stopped the orphaned compute of endpoint main: postmaster [" + postgresPid + "]";
        }

        /** Zombies count as gone: this machine's init reaps the orphaned postmaster a second or so late. */
        private static boolean running(long pid) {
            return RunningProcess.isRunning(pid);
        }
    }

    private static OrphanCandidate awakeCompute() throws Exception {
        JsonNode manager = component(status(), "compute-manager");
        assertThat(manager.at("/endpoints/0/state").asText()).as("endpoint main").isEqualTo("running");
        long postgres = manager.at("/endpoints/0/pid").asLong();
        return new OrphanCandidate(manager.get("pid").asLong(), postgres,
                ProcessHandle.of(postgres).orElseThrow().children().map(ProcessHandle::pid).toList(),
                Path.of(manager.at("/endpoints/0/dataDirectory").asText()).getParent());
    }

    @Test
    @Order(13)
    void stopAndStartKeepsTheData() throws Exception {
        ProcessResult stop = CairnJar.run(180, "local", "stop", "--dir", dir.toString());
        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        ProcessResult down = CairnJar.run(60, "local", "status", "--dir", dir.toString());
        assertThat(down.exitCode()).isEqualTo(3);
        ProcessResult start = CairnJar.run(300, "local", "start", "--dir", dir.toString());
        assertThat(start.exitCode()).as("%s\n%s", start.stdout(), start.stderr()).isZero();
        assertThat(psql(url, "SELECT count(*) FROM accounts")).contains("1050");
    }

    @Test
    @Order(14)
    void badArgumentsAreRefusedClearly() {
        ProcessResult r = CairnJar.run(60, "local", "start", "--dir", dir.resolve("other").toString(), "--port", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--port");
        ProcessResult none = CairnJar.run(60, "local", "status", "--dir", dir.resolve("nothing-here").toString());
        assertThat(none.exitCode()).isEqualTo(3);
        assertThat(none.stderr()).contains("no cluster");
    }

    @Test
    @Order(15)
    void noPlaintextAtRestInAnyServiceDataDirectory() throws Exception {
        String marker = "cairn-plaintext-marker-" + Long.toHexString(System.nanoTime());
        String lsn;
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE secrets (note text)");
            s.execute("INSERT INTO secrets SELECT '" + marker + " ' || g FROM generate_series(1, 200) g");
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                rs.next();
                lsn = rs.getString(1);
            }
        }
        awaitStatus("the pageserver durable past " + lsn,
                st -> lsnAtLeast(component(st, "pageserver").at("/timeline/durableLsn").asText(), lsn), 60, "pageserver");
        byte[] needle = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Path> files = new java.util.ArrayList<>();
        ClusterDir cluster = new ClusterDir(dir);
        for (String service : List.of("safekeeper-1", "safekeeper-2", "safekeeper-3", "pageserver", "compute-manager")) {
            try (var walk = Files.walk(cluster.data(service))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        long bytes = 0;
        for (Path f : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(f);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // removed since the listing (a compute's record, RocksDB's temporary files): nothing at rest
            }
            bytes += content.length;
            assertThat(com.google.common.primitives.Bytes.indexOf(content, needle)).as("plaintext marker in %s", f).isEqualTo(-1);
        }
        assertThat(files.stream().anyMatch(f -> f.toString().contains("safekeeper-1"))).isTrue();
        assertThat(bytes).as("bytes scanned").isGreaterThan(1 << 20);
    }

    /**
     * {@code curl /metrics} of all six services, at the URLs {@code cairn local status} reports: Prometheus text
     * with a histogram and the service's own metrics, and together every metric the Grafana dashboard queries.
     */
    @Test
    @Order(16)
    void everyServiceServesPrometheusMetricsWithAHistogram() throws Exception {
        try (Connection c = jdbc(); Statement s = c.createStatement()) { // a wake, a session, commits
            s.execute("CREATE TABLE IF NOT EXISTS metered (id int)");
            s.execute("INSERT INTO metered SELECT generate_series(1, 100)");
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                jdbcProperties("not-the-password")).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        JsonNode urls = status().get("metrics");
        assertThat(urls).as("metrics URLs in local status").isNotNull();
        List<String> services = new java.util.ArrayList<>();
        urls.fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactly("safekeeper-1", "safekeeper-2", "safekeeper-3", "pageserver",
                "compute-manager", "proxy");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5)).build();
        java.util.Set<String> exported = new java.util.TreeSet<>();
        double appends = 0;
        for (String service : services) {
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(urls.get(service).asText())).timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s", urls.get(service)).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String body = r.body();
            String histogram = body.lines().filter(l -> l.contains("_bucket{") && !l.startsWith("#")).findFirst().orElse(null);
            assertThat(histogram).as("a histogram in the metrics of %s", service).isNotNull();
            // for the log: the fullest bucket of the service's busiest histogram
            System.out.println("metrics of " + service + ": " + body.lines()
                    .filter(l -> l.startsWith("cairn_") && l.contains("_bucket{") && l.contains("le=\"+Inf\""))
                    .max(java.util.Comparator.comparingDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                    .orElse(histogram));
            dev.cairn.metrics.PrometheusText metrics = dev.cairn.metrics.PrometheusText.parse(body);
            exported.addAll(metrics.names());
            String kind = service.startsWith("safekeeper-") ? "safekeeper" : service;
            assertThat(metrics.samples()).as("common tags of %s", service)
                    .allMatch(x -> kind.equals(x.labels().get("service")));
            switch (kind) {
                case "safekeeper" -> {
                    assertThat(metrics.names()).contains("cairn_safekeeper_append_duration_seconds_bucket",
                            "cairn_safekeeper_flush_duration_seconds_bucket", "cairn_safekeeper_wal_bytes_appended_total");
                    assertThat(metrics.samples().getFirst().labels()).containsEntry("node", service.substring("safekeeper-".length()));
                    appends += metrics.value("cairn_safekeeper_append_duration_seconds_count");
                }
                case "pageserver" -> assertThat(metrics.find("cairn_pageserver_ingest_lag_bytes", java.util.Map.of())).isPresent();
                case "compute-manager" -> {
                    assertThat(metrics.value("cairn_compute_boot_phase_duration_seconds_count",
                            java.util.Map.of("phase", "basebackup"))).isPositive();
                    // running, or suspended already by the short idle timeout: one endpoint either way
                    assertThat(metrics.samples().stream().filter(x -> x.name().equals("cairn_compute_endpoints"))
                            .mapToDouble(dev.cairn.metrics.PrometheusText.Sample::value).sum()).isEqualTo(1.0);
                }
                case "proxy" -> {
                    assertThat(metrics.value("cairn_proxy_errors_total", java.util.Map.of("sqlstate", "28P01"))).isPositive();
                    assertThat(metrics.value("cairn_proxy_wake_duration_seconds_count", java.util.Map.of("outcome", "ok"))).isPositive();
                }
                default -> throw new AssertionError(service);
            }
            assertThat(metrics.names()).as("JVM metrics of %s", service).contains("jvm_memory_used_bytes");
        }
        assertThat(appends).as("appends timed by the safekeepers").isPositive();
        assertThat(exported).as("every metric the Grafana dashboard queries")
                .containsAll(DashboardQueries.metricNames(DashboardQueries.read()));
    }

    private static boolean lsnAtLeast(String a, String b) {
        return !a.isEmpty() && dev.cairn.common.Lsn.parse(a).compareTo(dev.cairn.common.Lsn.parse(b)) >= 0;
    }


    private static Connection jdbc() throws SQLException {
        // postgresql://role:password@host:port/db?sslmode=require&options=endpoint%3Dmain
        String password = url.replaceAll("postgresql://[^:]+:([^@]+)@.*", "$1");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", jdbcProperties(password));
    }

    private static Properties jdbcProperties(String password) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("options", "endpoint=main");
        return p;
    }

    private static String psql(String url, String sql) {
        ProcessResult r = psqlResult(url, sql);
        assertThat(r.exitCode()).as("psql failed: %s", r.stderr()).isZero();
        return r.stdout();
    }

    private static ProcessResult psqlResult(String url, String sql) {
        Path psql = PgBinaries.locate().tool("psql");
        return ProcessRunner.run(List.of(psql.toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql),
                null, 120);
    }

    private static JsonNode status() throws Exception {
        ProcessResult r = CairnJar.run(60, "local", "status", "--dir", dir.toString(), "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return JSON.readTree(r.stdout());
    }

    /**
     * The first status that meets {@code condition}; fails with the last status seen (each component's state
     * and error) and the end of the named components' logs.
     */
    private static JsonNode awaitStatus(String what, Predicate<JsonNode> condition, int seconds, String... logs)
            throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            last = status();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        StringBuilder failure = new StringBuilder("expected " + what + " within " + seconds + " s; last status:\n")
                .append(last.toPrettyString());
        for (String component : logs) {
            failure.append("\n").append(component).append(" log:\n").append(tail(component));
        }
        throw new AssertionError(failure);
    }

    private static JsonNode component(JsonNode status, String name) {
        for (JsonNode c : status.get("components")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + status);
    }

    private static List<String> names(JsonNode status) {
        return java.util.stream.StreamSupport.stream(status.get("components").spliterator(), false)
                .map(c -> c.get("name").asText()).toList();
    }

    private static String tail(String component) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("logs").resolve(component + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    /** A base port whose 30 successors are free (a chaos cluster uses 27). */
    static int freeBase() {
        // below the ephemeral port range, where a restarting component's port cannot be taken by a client
        for (int base = 20000 + (int) (ProcessHandle.current().pid() % 50) * 30; base < 32000; base += 30) {
            boolean free = true;
            for (int p = base; p < base + 30 && free; p++) {
                free = !Supervisor.portAnswers(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }
}
