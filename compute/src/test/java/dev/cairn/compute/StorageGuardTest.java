package dev.cairn.compute;

import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointStatus;

import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What storage depends on cannot be broken from SQL, and a timeline whose WAL the pageserver cannot apply
 * stops loudly, with every real part in one JVM (3 safekeepers, the pageserver, the compute manager running
 * stock PostgreSQL 15, the proxy with TLS and SCRAM):
 * <ul>
 * <li>ALTER SYSTEM cannot move the settings the agent passes on the command line;</li>
 * <li>a session that turns wal_consistency_checking off changes nothing storage depends on: its records,
 *     a hash index's included, carry no images and are redone;</li>
 * <li>a record of a custom resource manager (planted by an extension) stops ingest: the compute is stopped,
 *     a connecting client gets SQLSTATE XC001 at once, naming the LSN and the cause, and the pageserver's
 *     metrics say so too.</li>
 * </ul>
 */
class StorageGuardTest {
    private static final String PASSWORD = "guard-pass";
    /** Built and installed into PostgreSQL's pkglibdir by tools/pg-regress/fetch.sh, which .ci/run runs. */
    private static final String CUSTOM_RMGR_LIBRARY = "test_custom_rmgrs";

    @TempDir
    Path dir;

    private ServerlessCluster cluster;
    private PageserverClient pageserver;
    private ComputeManagerClient managerClient;
    private TimelineKey timeline;

    private void startCluster(Map<String, String> computeSettings) throws Exception {
        cluster = ServerlessCluster.start(dir, PASSWORD, computeSettings);
        pageserver = cluster.pageserver;
        managerClient = cluster.managerClient;
        timeline = cluster.timeline;
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sqlCannotChangeWhatStorageDependsOn() throws Exception {
        startCluster(Map.of());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("CREATE INDEX kept_hash ON kept USING hash (id)");
            s.execute("INSERT INTO kept VALUES (1)");
            s.execute("ALTER SYSTEM SET synchronous_standby_names = ''");
            s.execute("ALTER SYSTEM SET fsync = on");
            s.execute("ALTER SYSTEM SET full_page_writes = on");
            s.execute("SELECT pg_reload_conf()");
            Thread.sleep(500);
            assertThat(show(s, "synchronous_standby_names")).isEqualTo(ComputeSettings.PROPOSER_APP);
            assertThat(show(s, "fsync")).isEqualTo("off");
            assertThat(show(s, "full_page_writes")).isEqualTo("off");
        }
        // wal_consistency_checking no longer matters to storage: with it off (this cluster runs in verify mode,
        // so it is 'all' otherwise), a hash index's records carry no images and the pageserver redoes them
        int restarts = managerClient.status("main").restarts();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE postgres SET wal_consistency_checking = ''");
            s.execute("SET wal_consistency_checking = ''");
            for (int i = 2; i <= 40; i++) {
                s.execute("INSERT INTO kept VALUES (" + i + ")");
            }
        }
        assertThat(managerClient.status("main").restarts()).isEqualTo(restarts);
        // a compute started from the pageserver alone has every row, and the hash index finds them
        managerClient.suspend("main");
        assertThat(awaitCount("SELECT count(*) FROM kept")).isEqualTo(40);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off; SET enable_bitmapscan = off");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM kept WHERE id = 37")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("EXPLAIN SELECT * FROM kept WHERE id = 37")) {
                rs.next();
                assertThat(rs.getString(1)).contains("kept_hash");
            }
        }
    }

    @Test
    void aRecordThePageserverCannotApplyStopsTheTimelineLoudly() throws Exception {
        Path library = Path.of(ProcessRunner.run(List.of(PgBinaries.locate().tool("pg_config").toString(), "--pkglibdir"),
                null, 30).requireSuccess("pg_config").stdout().trim()).resolve(CUSTOM_RMGR_LIBRARY + ".so");
        assertThat(library).as("%s is built and installed by tools/pg-regress/fetch.sh (run .ci/run)", library).exists();
        startCluster(Map.of("shared_preload_libraries", CUSTOM_RMGR_LIBRARY));
        Lsn planted;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (1)");
            s.execute("CREATE EXTENSION " + CUSTOM_RMGR_LIBRARY);
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn(), test_custom_rmgrs_insert_wal_record('planted')")) {
                rs.next();
                planted = Lsn.parse(rs.getString(1));
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        TimelineInfo info = pageserver.timeline(timeline);
        while (!info.failed() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            info = pageserver.timeline(timeline);
        }
        assertThat(info.failed()).as(info.toString()).isTrue();
        assertThat(info.stoppedAtLsn()).isGreaterThanOrEqualTo(planted);
        assertThat(info.error()).contains("custom resource manager").contains("128");
        dev.cairn.metrics.PrometheusText metrics = dev.cairn.metrics.PrometheusText.parse(pageserver.metrics());
        java.util.Map<String, String> labels = java.util.Map.of("tenant", timeline.tenant().toString(),
                "timeline", timeline.timeline().toString());
        assertThat(metrics.value("cairn_pageserver_timeline_failed", labels)).isEqualTo(1.0);
        assertThat(metrics.find("cairn_pageserver_ingest_stopped_info", labels).orElseThrow().labels())
                .containsEntry("lsn", info.stoppedAtLsn().toString()).containsKey("reason");

        // the agent stops the compute; a client then gets the reason at once, not a wake timeout
        deadline = System.currentTimeMillis() + 30_000;
        while (!"failed".equals(managerClient.status("main").state()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        EndpointStatus status = managerClient.status("main");
        assertThat(status.state()).isEqualTo("failed");
        assertThat(status.lastError()).contains("storage stopped").contains(info.stoppedAtLsn().toString());
        Lsn stoppedAt = info.stoppedAtLsn();
        for (int attempt = 0; attempt < 2; attempt++) {
            long t0 = System.nanoTime();
            assertThatThrownBy(this::connect).isInstanceOfSatisfying(PSQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("XC001");
                assertThat(e.getMessage()).contains("storage stopped").contains(stoppedAt.toString())
                        .contains("custom resource manager");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }

        // nothing past the record was lost or skipped: a pageserver told that this rmgr's records change
        // nothing it stores resumes at that record, and the endpoint wakes with every acknowledged row
        cluster.restartPageserver(Set.of(128));
        assertThat(awaitCount("SELECT count(*) FROM kept")).isEqualTo(1);
        TimelineInfo resumed = pageserver.timeline(timeline);
        assertThat(resumed.failed()).isFalse();
        assertThat(resumed.ingestedLsn()).isGreaterThan(stoppedAt);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO kept VALUES (2)");
        }
        assertThat(awaitCount("SELECT count(*) FROM kept")).isEqualTo(2);
    }

    private long awaitCount(String sql) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                assertThat(System.currentTimeMillis()).as("compute back: %s", e.getMessage()).isLessThan(deadline);
                Thread.sleep(500);
            }
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Connection connect() throws SQLException {
        return cluster.connect("main", PASSWORD);
    }
}
