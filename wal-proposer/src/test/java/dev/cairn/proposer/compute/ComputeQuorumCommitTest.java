package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.rmgr.RecordDecoder;
import dev.cairn.pgformat.rmgr.XactRecord;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalStreamDecoder;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.grpc.LocalSafekeepers;
import dev.cairn.proposer.ProposerDriver;
import dev.cairn.safekeeper.storage.WalStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stock PostgreSQL 15 compute whose synchronous standby is the proposer, three in-JVM gRPC safekeepers on
 * 127.0.0.1: every acknowledged COMMIT has its commit record on at least two safekeepers' disks.
 */
class ComputeQuorumCommitTest {
    /** PostgreSQL's default wal_segment_size; the safekeepers use the same so segment files line up. */
    private static final int SEG = 16 << 20;
    private static final TimelineKey TL = new TimelineKey(Id128.random(), Id128.random());
    private static final String STANDBY = "cairn_proposer";

    @TempDir
    Path dir;

    private LocalSafekeepers safekeepers;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    // Commits blocked on sync replication never return by themselves: daemon threads, abandoned at the end.
    private final ExecutorService clients = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r));
    private final ScratchDirectory scratch = ScratchDirectory.create("cairn-compute-");
    private PgCluster compute;

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (compute != null) {
            compute.stop("immediate"); // a backend waiting for sync rep would hold up a fast shutdown
        }
        if (safekeepers != null) {
            safekeepers.close();
        }
        clients.shutdownNow();
        scratch.close();
    }

    @Test
    void commitsAreAcknowledgedOnlyWhenAQuorumHasThemAndNeverAfterFencing() throws Exception {
        Lsn start = startComputeAndSafekeepers(Map.of());
        ProposerDriver first = proposer("first", start);
        assertThat(first.awaitLeading(10_000)).isEqualTo(start);
        ComputeWalStreamer streamer = new ComputeWalStreamer(TL,
                new ComputeAddress("127.0.0.1", compute.port(), "postgres", "postgres", STANDBY), STANDBY, first);
        closeables.add(streamer);
        // The stream must continue exactly at the proposer's log end; anything else is refused up front.
        assertThatThrownBy(() -> streamer.start(start.plus(8192)))
                .isInstanceOf(WalPositionMismatchException.class)
                .hasMessageContaining(TL.toString()).hasMessageContaining(start.toString());
        streamer.start(start);

        Connection client = connect();
        try (Statement s = client.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
        }
        client.setAutoCommit(false);
        List<Long> acknowledged = new ArrayList<>();

        // (a) all three up. A lone committer is acknowledged once the quorum has its commit record, not at
        // the stream's next periodic status update (1 s): five commits took 5 s while the flush reported
        // stopped at the record's last byte, short of the MAXALIGNed end PostgreSQL waits for
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(insertAndCommit(client, i));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        // records spanning pages and a segment switch: the quorum log must still end on record boundaries
        try (Statement s = client.createStatement()) {
            s.execute("CREATE TABLE big (v text)");
            s.execute("ALTER TABLE big ALTER COLUMN v SET STORAGE EXTERNAL");
            s.execute("INSERT INTO big SELECT string_agg(md5(g::text), '') FROM generate_series(1, 100000) g");
            client.commit();
            s.execute("SELECT pg_switch_wal()");
            client.commit();
        }
        // What the compute was told is flushed never runs ahead of the quorum (background WAL may move both).
        Lsn reported = streamer.reportedFlushLsn();
        assertThat(reported).isGreaterThan(start).isLessThanOrEqualTo(first.commitLsn());

        // (b) one down: commits continue
        safekeepers.stop(2);
        for (int i = 5; i < 10; i++) {
            acknowledged.add(insertAndCommit(client, i));
        }

        // (c) two down: the commit waits for the quorum, and returns once one safekeeper is back
        safekeepers.stop(1);
        Future<Long> blocked = clients.submit(() -> insertAndCommit(client, 10));
        assertThatThrownBy(() -> blocked.get(3, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        safekeepers.start(1); // same data dir and port
        acknowledged.add(blocked.get(20, TimeUnit.SECONDS));
        acknowledged.add(insertAndCommit(client, 11));

        // (d) a second proposer with a higher term fences the first: no further commit is acknowledged
        ProposerDriver second = proposer("second", start);
        second.awaitLeading(10_000);
        assertThat(second.term()).isGreaterThan(first.term());
        Lsn reportedBeforeFence = streamer.reportedFlushLsn();
        Future<Long> fenced = clients.submit(() -> insertAndCommit(client, 12));
        long deadline = System.currentTimeMillis() + 10_000;
        while (first.phase() != ProposerPhase.FENCED && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(first.phase()).isEqualTo(ProposerPhase.FENCED);
        assertThatThrownBy(() -> fenced.get(3, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(streamer.reportedFlushLsn()).isEqualTo(reportedBeforeFence);
        assertThat(streamer.stopReason()).startsWith("fenced");
        assertThat(streamer.failure()).isNull();

        // Every acknowledged commit record is on at least two safekeepers' disks.
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
        List<Set<Long>> committedOn = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (safekeepers.isRunning(i)) {
                safekeepers.stop(i);
            }
            committedOn.add(committedXids(i, start));
        }
        for (long xid : acknowledged) {
            long holders = committedOn.stream().filter(s -> s.contains(xid)).count();
            assertThat(holders).as("safekeepers holding the commit record of xid %d", xid).isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * A commit whose WAL reached only a minority stays unacknowledged however long it waits. pgjdbc's
     * "automatic flush" (on by default) takes a walsender keepalive past the last flushed message as flushed
     * and reports it: COMMIT returned about a second after the quorum was lost, and the write was gone after
     * the next election (chaos seed 20261124). A short wal_sender_timeout makes the walsender send keepalives.
     */
    @Test
    void aCommitOnlyAMinorityHasIsNeverAcknowledged() throws Exception {
        Lsn start = startComputeAndSafekeepers(Map.of("wal_sender_timeout", "2s"));
        ProposerDriver proposer = proposer("only", start);
        assertThat(proposer.awaitLeading(10_000)).isEqualTo(start);
        ComputeWalStreamer streamer = new ComputeWalStreamer(TL,
                new ComputeAddress("127.0.0.1", compute.port(), "postgres", "postgres", STANDBY), STANDBY, proposer);
        closeables.add(streamer);
        streamer.start(start);

        Connection client = connect();
        try (Statement s = client.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
        }
        client.setAutoCommit(false);
        insertAndCommit(client, 0);

        safekeepers.stop(1);
        safekeepers.stop(2);
        Future<Long> blocked = clients.submit(() -> insertAndCommit(client, 1));
        // keepalives come every second (half the timeout); several of them pass
        assertThatThrownBy(() -> blocked.get(6, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(streamer.reportedFlushLsn()).isLessThanOrEqualTo(proposer.commitLsn());
        safekeepers.start(1);
        long xid = blocked.get(20, TimeUnit.SECONDS);
        streamer.close();
        safekeepers.stop(0);
        safekeepers.stop(1);
        long holders = java.util.stream.IntStream.range(0, 2).filter(i -> committedXids(i, start).contains(xid)).count();
        assertThat(holders).as("safekeepers holding the commit record of xid %d", xid).isEqualTo(2);
    }

    /**
     * A compute whose synchronous standby is the proposer's stream, and three safekeepers.
     *
     * @return where a fresh test timeline starts: the segment holding the compute's insert position
     */
    private Lsn startComputeAndSafekeepers(Map<String, String> extra) {
        compute = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of());
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "synchronous_standby_names", STANDBY,
                "synchronous_commit", "on",
                "wal_level", "replica",
                "max_wal_senders", "5",
                "max_replication_slots", "5",
                "fsync", "off"));
        settings.putAll(extra);
        compute.start(settings);
        Lsn insert = Lsn.parse(compute.psql("SELECT pg_current_wal_insert_lsn()"));
        safekeepers = new LocalSafekeepers(dir, 3, SEG);
        safekeepers.startAll();
        return Lsn.of(insert.value() - insert.value() % SEG);
    }

    /** Inserts a row and commits; returns the transaction's 32-bit xid once COMMIT returned. */
    private static long insertAndCommit(Connection c, int id) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES (" + id + ")");
            long xid;
            try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                rs.next();
                xid = rs.getLong(1) & 0xFFFFFFFFL;
            }
            c.commit(); // no statement_timeout: cancelling a sync-rep wait would commit locally with a WARNING
            return xid;
        }
    }

    private Set<Long> committedXids(int server, Lsn start) {
        Set<Long> xids = new HashSet<>();
        try (WalStore w = safekeepers.openWal(server, TL)) {
            if (!w.end().isAfter(start)) {
                return xids;
            }
            byte[] wal = w.read(start, w.end());
            WalStreamDecoder decoder = new WalStreamDecoder(start, SEG);
            decoder.feed(wal, 0, wal.length);
            Lsn lastEnd = Lsn.INVALID;
            for (DecodedRecord r = decoder.next(); r != null; r = decoder.next()) {
                lastEnd = r.endLsn();
                if (r.rmgr() == RmgrId.XACT && RecordDecoder.decode(r) instanceof XactRecord.Commit commit) {
                    xids.add(commit.xid());
                }
            }
            // only whole records reach the quorum: the stored log ends exactly where its last record ends
            assertThat(w.end()).as("end of safekeeper %d's WAL", server).isEqualTo(lastEnd);
        }
        return xids;
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + compute.port() + "/postgres", p);
    }

    private ProposerDriver proposer(String name, Lsn start) {
        ProposerDriver p = safekeepers.proposer(TL, name, start);
        closeables.add(p);
        return p;
    }
}
