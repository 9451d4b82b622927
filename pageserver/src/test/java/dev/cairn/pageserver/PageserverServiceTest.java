package dev.cairn.pageserver;

import dev.cairn.pageserver.api.BasebackupHeader;
import dev.cairn.httpapi.ApiException;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.http.PageserverHttpApi;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.metrics.PrometheusText;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.proposer.compute.ComputeAddress;
import dev.cairn.proposer.compute.ComputeWalStreamer;
import dev.cairn.safekeeper.grpc.LocalSafekeepers;
import dev.cairn.safekeeper.client.AcceptorAddress;
import dev.cairn.proposer.ProposerDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pageserver as a service: its HTTP API, and ingest of committed WAL from three safekeepers that a
 * stock PostgreSQL compute (started from the pageserver's own basebackup) commits through — with failover
 * when the safekeeper it streams from dies, and a second compute starting from a basebackup at the sync LSN.
 */
class PageserverServiceTest {
    private static final int SEG = 16 << 20;
    private static final String STANDBY = "cairn_proposer";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<PgCluster> computes = new ArrayList<>();
    private final List<ScratchDirectory> scratch = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (PgCluster pg : computes) {
            if (pg.isRunning()) {
                pg.stop("immediate");
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        scratch.forEach(ScratchDirectory::close);
    }

    /** A directory for data directories, deleted after the test (@TempDir is private to this user; the server user must get in). */
    private Path scratch(String prefix) {
        ScratchDirectory dir = ScratchDirectory.create(prefix);
        scratch.add(dir);
        return dir.path();
    }

    @Test
    void apiCreatesListsAndRefusesClearly() throws Exception {
        PageserverClient client = startPageserver(List.of());
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        TimelineInfo created = client.createTimeline(key);
        assertThat(created.key()).isEqualTo(key);
        assertThat(created.startLsn().isValid()).isTrue();
        assertThat(created.ingestedLsn()).isEqualTo(created.startLsn());
        assertThat(created.state()).isEqualTo("active");
        // initdb's catalogs in three databases: several MB of relation forks
        assertThat(created.logicalSizeBytes()).isGreaterThan(5L << 20).isLessThan(200L << 20);
        assertThat(client.timelines()).extracting(TimelineInfo::key).containsExactly(key);

        assertThatThrownBy(() -> client.createTimeline(key)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        TimelineKey unknown = new TimelineKey(Id128.random(), Id128.random());
        assertThatThrownBy(() -> client.timeline(unknown)).isInstanceOfSatisfying(ApiException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains(unknown.toString());
                });
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> badId = http.send(HttpRequest.newBuilder(client.base().resolve("/v1/tenants/xyz/timelines/"
                + key.timeline())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("32 hex digits");
        HttpResponse<String> badLsn = http.send(HttpRequest.newBuilder(client.base().resolve("/v1/tenants/" + key.tenant()
                + "/timelines/" + key.timeline() + "/basebackup?lsn=nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badLsn.statusCode()).isEqualTo(400);
        assertThat(badLsn.body()).contains("lsn");
        // WAL that will never come: a clear timeout, not a hang
        assertThatThrownBy(() -> client.basebackup(key, created.startLsn().plus(1 << 20), Duration.ofMillis(300),
                OutputStream.nullOutputStream())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(504));

        // a fresh timeline's basebackup starts stock postgres
        PgCluster pg = computeFromBasebackup(client, key, null, "fresh");
        pg.start(Map.of());
        assertThat(pg.psql("SELECT 40 + 2")).isEqualTo("42");
        PrometheusText metrics = PrometheusText.parse(client.metrics());
        assertThat(metrics.value("cairn_pageserver_basebackups_total")).isEqualTo(1.0);
        assertThat(metrics.value("cairn_pageserver_basebackup_duration_seconds_count")).isEqualTo(1.0);
        assertThat(metrics.value("cairn_pageserver_timeline_lsn", Map.of("tenant", key.tenant().toString(),
                "timeline", key.timeline().toString(), "kind", "ingested"))).isPositive();
    }

    @Test
    void apiBranchesATimelineAndRefusesBadBranchesClearly() throws Exception {
        PageserverClient client = startPageserver(List.of());
        TimelineKey main = new TimelineKey(Id128.random(), Id128.random());
        Lsn start = client.createTimeline(main).startLsn();
        TimelineKey branch = new TimelineKey(main.tenant(), Id128.random());
        TimelineInfo created = client.branchTimeline(branch, main.timeline(), null); // no LSN: the newest WAL
        assertThat(created.key()).isEqualTo(branch);
        assertThat(created.ancestry()).isNotNull();
        assertThat(created.ancestry().timeline()).isEqualTo(main.timeline());
        assertThat(created.ancestry().lsn()).isEqualTo(start);
        assertThat(created.state()).isEqualTo("active");
        assertThat(client.timelines()).filteredOn(t -> t.key().equals(branch)).singleElement()
                .extracting(TimelineInfo::ancestry).isEqualTo(created.ancestry());
        assertThat(client.timeline(main).ancestry()).isNull();
        PgCluster pg = computeFromBasebackup(client, branch, null, "branch");
        pg.start(Map.of());
        assertThat(pg.psql("SELECT count(*) FROM pg_database WHERE datname = 'postgres'")).isEqualTo("1");

        assertThatThrownBy(() -> client.branchTimeline(branch, main.timeline(), start))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        TimelineKey other = new TimelineKey(main.tenant(), Id128.random());
        Id128 unknown = Id128.random();
        assertThatThrownBy(() -> client.branchTimeline(other, unknown, null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains(unknown.toString());
                });
        assertThatThrownBy(() -> client.branchTimeline(other, main.timeline(), Lsn.of(start.value() - 8)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("cannot branch at").contains("starts at " + start);
                });
        HttpClient http = HttpClient.newHttpClient();
        URI otherUri = client.base().resolve("/v1/tenants/" + other.tenant() + "/timelines/" + other.timeline());
        for (String body : List.of("{\"branch_from\": \"" + main.timeline() + "\", \"at\": \"3000028\"}",
                "{\"branch_from\": \"nope\"}", "{\"at\": \"0/3000028\"}",
                "{\"branch_from\": \"" + main.timeline() + "\", \"import_from\": \"/tmp\"}")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(otherUri)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).containsAnyOf("at must look like", "32 hex digits", "needs branch_from", "not both");
        }
        assertThat(client.timelines()).extracting(TimelineInfo::key).containsExactlyInAnyOrder(main, branch);
        try (var left = Files.list(dir.resolve("pageserver").resolve("branching"))) {
            assertThat(left.toList()).as("private copies left behind").isEmpty();
        }
    }

    @Test
    void importsAPgBasebackupOfARunningClusterAsOfTheBackup() throws Exception {
        PgCluster source = PgCluster.initdb(PgBinaries.locate(), scratch("cairn-src-").resolve("data"), List.of());
        computes.add(source);
        source.start(Map.of("wal_level", "replica", "max_wal_senders", "4"));
        source.psql("CREATE TABLE items (id int PRIMARY KEY, note text)");
        source.psql("INSERT INTO items SELECT g, 'before the backup ' || g FROM generate_series(1, 5000) g");
        source.psql("CREATE INDEX items_note ON items (note)");
        Path backups = scratch("cairn-pgbb-");
        source.user().own(backups);
        Path backup = backups.resolve("backup");
        source.tool("pg_basebackup", List.of("-D", backup.toString(), "-X", "stream", "-c", "fast", "-h", "127.0.0.1",
                "-p", Integer.toString(source.port()), "-U", "postgres"), 120).requireSuccess("pg_basebackup");
        source.psql("INSERT INTO items VALUES (0, 'after the backup')"); // not in the backup

        PageserverClient client = startPageserver(List.of());
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        TimelineInfo info = client.importTimeline(key, backup);
        assertThat(info.state()).isEqualTo("active");
        PgCluster pg = computeFromBasebackup(client, key, null, "imported");
        pg.start(Map.of());
        assertThat(pg.psql("SELECT count(*), min(id), max(note) FROM items"))
                .isEqualTo("5000|1|before the backup 999");
        assertThat(pg.psql("SELECT count(*) FROM items WHERE note = 'before the backup 4242'")).isEqualTo("1");
        assertThat(backup.resolve("backup_label")).as("the source is not modified").exists();

        assertThatThrownBy(() -> client.importTimeline(new TimelineKey(Id128.random(), Id128.random()), dir))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("not a PostgreSQL data directory");
                });
    }

    @Test
    void ingestsFromSafekeepersFailsOverAndServesTheSyncLsn() throws Exception {
        LocalSafekeepers safekeepers = new LocalSafekeepers(dir.resolve("sk"), 3, SEG);
        closeables.add(safekeepers);
        safekeepers.startAll();
        List<String> addresses = safekeepers.addresses().stream().map(a -> a.host() + ":" + a.port()).toList();
        PageserverClient client = startPageserver(addresses);
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        Lsn start = client.createTimeline(key).startLsn();

        // compute A from the timeline's first basebackup, committing through the quorum
        PgCluster a = computeFromBasebackup(client, key, null, "a");
        a.start(computeSettings());
        ProposerDriver first = safekeepers.proposer(key, "a", start);
        closeables.add(first);
        assertThat(first.awaitLeading(10_000)).isEqualTo(start);
        ComputeWalStreamer streamA = streamer(key, a, first);
        streamA.start(start);
        try (Connection c = Computes.connect(a, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        }
        Lsn committed = first.commitLsn();
        TimelineInfo caughtUp = awaitInfo(client, key, i -> !i.ingestedLsn().isBefore(committed));
        String source = caughtUp.walSource();
        assertThat(source).isNotNull();

        // the safekeeper it streams from dies: ingest moves to another one and keeps up
        int victim = addresses.indexOf(source);
        safekeepers.stop(victim);
        try (Connection c = Computes.connect(a, "postgres"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1001, 2000) g");
        }
        Lsn committedAfter = first.commitLsn();
        TimelineInfo failedOver = awaitInfo(client, key, i -> !i.ingestedLsn().isBefore(committedAfter)
                && i.walSource() != null && !i.walSource().equals(source));
        assertThat(failedOver.state()).isEqualTo("active");
        safekeepers.start(victim);

        // compute A goes away; a new proposer syncs the quorum and compute B starts at exactly that LSN
        a.stop("fast");
        streamA.close();
        first.close();
        ProposerDriver second = safekeepers.proposer(key, "b", start);
        closeables.add(second);
        Lsn sync = second.sync(15_000);
        assertThat(sync).isGreaterThanOrEqualTo(committedAfter);
        PgCluster b = computeFromBasebackup(client, key, sync, "b");
        b.start(computeSettings());
        ComputeWalStreamer streamB = streamer(key, b, second);
        streamB.start(sync);
        try (Connection c = Computes.connect(b, "postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2000);
                assertThat(rs.getLong(2)).isEqualTo(2001L * 1000);
            }
            s.execute("INSERT INTO t VALUES (5000, 'written by B')");
        }
        Lsn bCommit = second.commitLsn();
        awaitInfo(client, key, i -> !i.ingestedLsn().isBefore(bCommit));
        PrometheusText metrics = PrometheusText.parse(client.metrics());
        assertThat(metrics.names()).contains("cairn_pageserver_wal_source_failovers_total");
        assertThat(metrics.value("cairn_pageserver_records_ingested_total")).isPositive();
        assertThat(metrics.value("cairn_pageserver_ingest_apply_seconds_count")).isPositive();
    }

    /**
     * The safekeeper the pageserver streams from first is alive but never reached by the proposer: its commit
     * LSN stands still and its stream stays open and silent. Keepalive sees nothing wrong; the stall check
     * sees the other safekeepers ahead and moves ingest there.
     */
    @Test
    void aStalledSafekeeperStreamMovesToOneThatIsAhead() throws Exception {
        LocalSafekeepers safekeepers = new LocalSafekeepers(dir.resolve("sk"), 3, SEG);
        closeables.add(safekeepers);
        safekeepers.startAll();
        List<AcceptorAddress> all = safekeepers.addresses();
        List<String> addresses = all.stream().map(a -> a.host() + ":" + a.port()).toList();
        PageserverClient client = startPageserver(addresses); // streams from the first safekeeper first
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        Lsn start = client.createTimeline(key).startLsn();
        assertThat(awaitInfo(client, key, i -> addresses.get(0).equals(i.walSource())).walSource())
                .isEqualTo(addresses.get(0));

        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        List<AcceptorAddress> cutOff = List.of(new AcceptorAddress(all.get(0).id(), "127.0.0.1", deadPort), all.get(1), all.get(2));
        ProposerDriver proposer = new ProposerDriver(key, "p", cutOff, start);
        closeables.add(proposer);
        proposer.start();
        assertThat(proposer.awaitLeading(10_000)).isEqualTo(start);
        PgCluster a = computeFromBasebackup(client, key, null, "a");
        a.start(computeSettings());
        streamer(key, a, proposer).start(start);
        try (Connection c = Computes.connect(a, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        }
        Lsn committed = proposer.commitLsn();
        TimelineInfo caughtUp = awaitInfo(client, key, i -> !i.ingestedLsn().isBefore(committed));
        assertThat(caughtUp.walSource()).isNotEqualTo(addresses.get(0));
        assertThat(PrometheusText.parse(client.metrics()).value("cairn_pageserver_wal_source_stalls_total")).isGreaterThanOrEqualTo(1.0);
    }

    private PageserverClient startPageserver(List<String> safekeepers) throws Exception {
        PageserverNode node = PageserverNode.open(new PageserverNode.Config(dir.resolve("pageserver"), safekeepers,
                PgBinaries.locate(), Duration.ofSeconds(30), "test"), AesGcmValueCipher.random(1));
        closeables.add(node);
        PageserverHttpApi api = PageserverHttpApi.start(node, new InetSocketAddress("127.0.0.1", 0));
        closeables.add(api);
        return new PageserverClient(URI.create("http://127.0.0.1:" + api.port()));
    }

    /** Fetches a basebackup, checks it is taken exactly at the asked LSN, and makes a data directory of it. */
    private PgCluster computeFromBasebackup(PageserverClient client, TimelineKey key, Lsn lsn, String name) throws Exception {
        Path tar = dir.resolve(name + ".tar");
        BasebackupHeader header;
        try (OutputStream out = Files.newOutputStream(tar)) {
            header = client.basebackup(key, lsn, Duration.ofSeconds(30), out);
        }
        if (lsn != null) {
            assertThat(header.dataLsn()).as("basebackup of %s taken at the sync LSN", name).isEqualTo(lsn);
        }
        PgCluster pg = Computes.fromBasebackup(tar, scratch("cairn-ps-" + name).resolve("data"));
        computes.add(pg);
        return pg;
    }

    private static Map<String, String> computeSettings() {
        Map<String, String> s = new HashMap<>(Computes.SETTINGS);
        s.put("synchronous_standby_names", STANDBY);
        s.put("synchronous_commit", "on");
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "5");
        s.put("max_replication_slots", "5");
        return s;
    }

    private ComputeWalStreamer streamer(TimelineKey key, PgCluster pg, ProposerDriver proposer) {
        ComputeWalStreamer s = new ComputeWalStreamer(key,
                new ComputeAddress("127.0.0.1", pg.port(), "postgres", "postgres", STANDBY), STANDBY, proposer);
        closeables.add(s);
        return s;
    }

    private static TimelineInfo awaitInfo(PageserverClient client, TimelineKey key, Predicate<TimelineInfo> condition)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        TimelineInfo last = client.timeline(key);
        while (!condition.test(last)) {
            assertThat(last.state()).as("ingest error: %s", last.error()).isEqualTo("active");
            assertThat(System.currentTimeMillis()).as("waiting for %s", last).isLessThan(deadline);
            Thread.sleep(100);
            last = client.timeline(key);
        }
        return last;
    }
}
