package dev.cairn.chaos.workload;

import dev.cairn.chaos.checker.CheckResult;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.history.Operation;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each workload against one stock PostgreSQL 15, with and without connections killed under the clients:
 * the histories must check valid (the workloads and checkers agree on what correct means) and killed
 * connections must show up as failed or unknown operations, never as anomalies.
 */
class WorkloadAgainstPostgresTest {
    private static ScratchDirectory scratch;
    private static PgCluster pg;

    @BeforeAll
    static void start() {
        scratch = ScratchDirectory.create("cairn-chaos-wl-");
        pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of());
        pg.start(Map.of("max_connections", "60"));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
        scratch.close();
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.user().name());
        p.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", p);
    }

    private static History run(Workload w, boolean killConnections) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bank, lists, registers"); // each run starts from an empty database
        }
        WorkloadRunner runner = new WorkloadRunner(w, WorkloadAgainstPostgresTest::connect, new History());
        runner.setUp(Duration.ofSeconds(30));
        Thread killer = Thread.ofPlatform().start(() -> {
            while (killConnections && !Thread.currentThread().isInterrupted()) {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                            + " AND pid <> pg_backend_pid()");
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException ignored) {
                    // try again
                }
            }
        });
        runner.run(6, Duration.ofSeconds(6), 42); // long enough for 50 successes on a loaded 2-core machine
        killer.interrupt();
        killer.join();
        runner.finalReads(Duration.ofSeconds(30));
        return runner.history();
    }

    private static void assertValid(Workload w, History h, boolean expectFailures) {
        CheckResult r = w.checker().check(h);
        List<Operation> ops = h.operations();
        long ok = ops.stream().filter(Operation::ok).count();
        assertThat(r.anomalies()).as("anomalies of %s", w.name()).isEmpty();
        assertThat(ok).as("successful %s operations", w.name()).isGreaterThan(50);
        if (expectFailures) {
            assertThat(ops.stream().filter(o -> o.outcome() == OpType.INFO || (o.outcome() == OpType.FAIL
                    && !o.complete().value().has(WorkloadRunner.REFUSED))).count())
                    .as("operations broken by killed connections").isPositive();
        }
    }

    @Test
    void bankKeepsItsTotal() throws Exception {
        Workload w = new BankWorkload(8, 100);
        assertValid(w, run(w, false), false);
    }

    @Test
    void appendLosesNothing() throws Exception {
        Workload w = new AppendWorkload(6);
        assertValid(w, run(w, false), false);
    }

    @Test
    void registersAreLinearizable() throws Exception {
        Workload w = new RegisterWorkload(3);
        assertValid(w, run(w, false), false);
    }

    @Test
    void killedConnectionsAreFailuresOrUnknownsNeverAnomalies() throws Exception {
        for (Workload w : List.of(new BankWorkload(8, 100), new AppendWorkload(6), new RegisterWorkload(3))) {
            assertValid(w, run(w, true), true);
        }
    }
}
