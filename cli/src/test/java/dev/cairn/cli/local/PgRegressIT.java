package dev.cairn.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL 15's own regression suite (parallel_schedule) and isolation suite (isolation_schedule), run
 * alike against a stock PostgreSQL and against a Cairn endpoint through the proxy (TLS, SCRAM,
 * options=endpoint=main): the same tests must fail on both. Then the Cairn database must survive, dump for
 * dump and with pg_amcheck clean: a suspend and wake, a SIGKILLed compute, and a branch at an LSN taken
 * half way through the regression suite. Writes the pass counts and wall times to
 * bench/results/pg-regress.json. Needs the suite fetched by tools/pg-regress/fetch.sh (.ci/run does it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgRegressIT {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** pg_regress's --max-connections (0: no limit, up to 20 in a parallel group), to trade wall time for load. */
    private static final int MAX_CONNECTIONS = Integer.parseInt(System.getenv().getOrDefault("CAIRN_PG_REGRESS_MAX_CONNECTIONS", "0"));
    /** The settings of a Cairn compute (the compute module's ComputeSettings) that tests can see; WAL shipping aside. */
    private static final Map<String, String> LIKE_A_COMPUTE = Map.of("fsync", "off", "max_prepared_transactions", "16",
            "wal_level", "replica", "full_page_writes", "on", "wal_compression", "lz4", "max_connections", "100");

    /** The local cluster (root-owned services): kept for a look when the class fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path cairnDir;
    /** Stock data directory and the suites' output, which the server's OS user writes. */
    private static ScratchDirectory scratch;
    private static PgBinaries bin;
    private static RegressSuite suite;
    private static RegressSchedule halves;
    private static Path firstHalf;
    private static Path secondHalf;
    private static int proxyPort;
    private static PgTarget cairn;

    /** Set by the first test: where the regression suite's first half ended on Cairn, and the dumps then. */
    private static String midSuiteLsn;
    private static DatabaseDumps midSuiteDumps;
    /** The latest dumps of endpoint main, which the next round trip must reproduce. */
    private static DatabaseDumps lastDumps;

    @BeforeAll
    static void locateTheSuite() throws IOException {
        bin = PgBinaries.locate();
        suite = RegressSuite.locate(bin); // fails, naming fetch.sh, when the suite was not fetched
        scratch = ScratchDirectory.create("pg-regress-");
        halves = RegressSchedule.split(Files.readAllLines(suite.parallelSchedule()));
        firstHalf = Files.write(scratch.resolve("parallel_schedule.1"), halves.first());
        secondHalf = Files.write(scratch.resolve("parallel_schedule.2"), halves.second());
    }

    @AfterAll
    static void stop() {
        if (proxyPort > 0) {
            CairnJar.stopLocal(cairnDir);
        }
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    @Order(1)
    void theSameTestsFailOnStockPostgresAndThroughCairn() throws Exception {
        Outcome stock;
        try (PgCluster pg = PgCluster.initdb(bin, scratch.resolve("stock-data"), List.of())) {
            pg.start(withTls(pg));
            stock = runBothSuites(PgTarget.stock(bin, pg.port()), scratch.resolve("stock"), false);
        }
        ScratchDirectory.deleteTree(scratch.resolve("stock-data"));

        startCairn();
        Outcome onCairn = runBothSuites(cairn, scratch.resolve("cairn"), true);
        RedoVerification verification = RedoVerification.scrape(URI.create("http://127.0.0.1:" + (proxyPort + 4) + "/metrics"));
        System.out.println("verify mode over both suites: " + verification);

        writeResults(stock, onCairn, verification);
        System.out.printf("pg_regress parallel_schedule: stock %d/%d passed in %.1f s, cairn %d/%d passed in %.1f s%n",
                stock.regress.summary().passed(), stock.regress.summary().tests(), seconds(stock.regress.wall()),
                onCairn.regress.summary().passed(), onCairn.regress.summary().tests(), seconds(onCairn.regress.wall()));
        System.out.printf("pg_isolation_regress isolation_schedule: stock %d/%d passed in %.1f s, cairn %d/%d passed in %.1f s%n",
                stock.isolation.summary().passed(), stock.isolation.summary().tests(), seconds(stock.isolation.wall()),
                onCairn.isolation.summary().passed(), onCairn.isolation.summary().tests(), seconds(onCairn.isolation.wall()));

        assertThat(stock.regress.summary().passed()).as("regression tests passing on stock PostgreSQL").isPositive();
        assertThat(stock.isolation.summary().passed()).as("isolation tests passing on stock PostgreSQL").isPositive();
        assertThat(onCairn.regress.summary().failed()).as("regression tests failing through Cairn (stock fails %s); diffs:\n%s",
                stock.regress.summary().failed(), diffs(scratch.resolve("cairn/regress"))).isEqualTo(stock.regress.summary().failed());
        assertThat(onCairn.isolation.summary().failed()).as("isolation tests failing through Cairn (stock fails %s); diffs:\n%s",
                stock.isolation.summary().failed(), diffs(scratch.resolve("cairn/isolation"))).isEqualTo(stock.isolation.summary().failed());
        // every block of every resource manager's records was redone in Java and compared
        assertThat(verification.mismatches()).as("Java redo against PostgreSQL's images: %s", verification).isEmpty();
        for (String rmgr : List.of("Heap", "Heap2", "Btree", "Sequence", "Hash", "Gin", "Gist", "SPGist",
                "BRIN")) { // generic WAL: contrib only (HeapRedoTest)
            assertThat(verification.verifiedOf(rmgr)).as("blocks of %s verified: %s", rmgr, verification).isPositive();
        }
        assertThat(verification.verifiedOf("Heap")).isGreaterThan(100_000);
        assertThat(verification.verifiedOf("Btree")).isGreaterThan(100_000);
    }

    @Test
    @Order(2)
    void everyDatabaseSurvivesSuspendAndWake() throws Exception {
        requireFirstTest();
        // before the first dumps: --install-missing adds the amcheck extension to every database
        assertAmcheckClean(cairn);
        lastDumps = cairn.dumpAll();
        ProcessResult stop = CairnJar.run(120, "endpoint", "stop", "main", "--dir", cairnDir.toString());
        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        assertThat(endpoint("main").get("state").asText()).isEqualTo("suspended");
        assertSameDatabases(cairn); // the first connection wakes it
        assertThat(endpoint("main").get("state").asText()).isEqualTo("running");
    }

    @Test
    @Order(3)
    void everyDatabaseSurvivesASigkilledCompute() throws Exception {
        requireFirstTest();
        cairn.psql("postgres", "SELECT 1"); // awake
        long pid = endpoint("main").get("pid").asLong();
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no compute process " + pid));
        postmaster.destroyForcibly(); // SIGKILL
        postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertSameDatabases(cairn); // the next connection starts a fresh compute
        assertThat(endpoint("main").get("pid").asLong()).as("postmaster after the kill").isNotEqualTo(pid);
    }

    @Test
    @Order(4)
    void aBranchAtTheMiddleOfTheSuiteHasTheDatabasesOfThatMoment() throws Exception {
        requireFirstTest();
        JsonNode main = endpoint("main");
        ProcessResult branch = CairnJar.run(600, "timeline", "create", "--tenant", main.get("tenant").asText(),
                "--branch-from", main.get("timeline").asText(), "--at", midSuiteLsn, "--dir", cairnDir.toString());
        assertThat(branch.exitCode()).as("timeline create --branch-from at %s: %s", midSuiteLsn, branch.stderr()).isZero();
        Matcher id = Pattern.compile("timeline ([0-9a-fA-F]{32})").matcher(branch.stdout());
        assertThat(id.find()).as("new timeline id in: %s", branch.stdout()).isTrue();
        String password = cairn.env().get("PGPASSWORD");
        ProcessResult create = CairnJar.run(Map.of("CAIRN_PITR_PASSWORD", password), 120, "endpoint", "create", "pitr",
                "--tenant", main.get("tenant").asText(), "--timeline", id.group(1), "--role", "postgres",
                "--password-env", "CAIRN_PITR_PASSWORD", "--dir", cairnDir.toString());
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        PgTarget pitr = cairn.endpoint("pitr");
        assertThat(midSuiteDumps.differencesIn(pitr.dumpAll())).as("databases of endpoint pitr (%s at %s) against main's at that LSN",
                id.group(1), midSuiteLsn).isEmpty();
        assertAmcheckClean(pitr);
    }

    /** Both suites' results on one server, and the WAL each wrote (Cairn's computes add a page image to every record). */
    private record Outcome(RegressSuite.Run regress, RegressSuite.Run isolation, long regressWalBytes, long isolationWalBytes) {
    }

    /**
     * The regression suite in two halves, then the isolation suite. On Cairn, the LSN and the dumps at the
     * half way point are kept for the branch; the halves run alike on stock so both sides run the same.
     */
    private static Outcome runBothSuites(PgTarget target, Path out, boolean keepMidSuite) {
        Lsn start = walPosition(target);
        RegressSuite.Run first = suite.regress(target, firstHalf, out.resolve("regress"), false, MAX_CONNECTIONS);
        if (keepMidSuite) {
            midSuiteLsn = target.psql("postgres", "SELECT pg_current_wal_lsn()");
            midSuiteDumps = target.dumpAll();
        }
        RegressSuite.Run second = suite.regress(target, secondHalf, out.resolve("regress"), true, MAX_CONNECTIONS);
        Lsn afterRegress = walPosition(target);
        RegressSuite.Run isolation = suite.isolation(target, out.resolve("isolation"), MAX_CONNECTIONS);
        return new Outcome(first.plus(second), isolation, afterRegress.minus(start), walPosition(target).minus(afterRegress));
    }

    private static Lsn walPosition(PgTarget target) {
        return Lsn.parse(target.psql("postgres", "SELECT pg_current_wal_lsn()"));
    }

    /**
     * {@link #LIKE_A_COMPUTE} and TLS with a self-signed certificate, as clients reach Cairn through the
     * proxy: the isolation suite's temp-schema-cleanup shows how libpq words a connection the server
     * terminated, which over TLS is "SSL connection has been closed unexpectedly".
     */
    private static Map<String, String> withTls(PgCluster pg) throws IOException {
        Path cert = pg.dataDir().resolve("server.crt");
        Path key = pg.dataDir().resolve("server.key");
        SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1)).writePem(cert, key);
        pg.user().own(pg.dataDir());
        Map<String, String> settings = new java.util.HashMap<>(LIKE_A_COMPUTE);
        settings.putAll(Map.of("ssl", "on", "ssl_cert_file", cert.toString(), "ssl_key_file", key.toString()));
        return settings;
    }

    private static void startCairn() {
        proxyPort = LocalClusterIT.freeBase();
        // no idle suspend during the run: the suspends here are the test's own. The branch at the middle of the
        // regression suite needs the WAL since then: the suites write about 4 GB (a page image in every record),
        // the pageserver keeps 1 GB by default.
        // verify mode: computes log every block's image, the pageserver redoes and compares each
        ProcessResult r = CairnJar.run(300, "local", "start", "--dir", cairnDir.toString(), "--port", Integer.toString(proxyPort),
                "--idle-suspend", "86400", "--retention-mb", "8192", "--verify-redo");
        assertThat(r.exitCode()).as("local start failed:\n%s\n%s", r.stdout(), r.stderr()).isZero();
        String password = CairnJar.connectionUrl(r).replaceAll("postgresql://[^:]+:([^@]+)@.*", "$1");
        cairn = PgTarget.cairn(bin, proxyPort, password, "main");
    }

    private static void assertSameDatabases(PgTarget target) {
        DatabaseDumps now = target.dumpAll();
        assertThat(lastDumps.differencesIn(now)).as("databases of %s against the dumps before", target.name()).isEmpty();
        lastDumps = now;
        assertAmcheckClean(target);
    }

    private static void assertAmcheckClean(PgTarget target) {
        ProcessResult r = target.amcheck();
        assertThat(r.exitCode()).as("pg_amcheck --all --heapallindexed on %s:\n%s\n%s", target.name(), r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout()).as("pg_amcheck's report on %s", target.name()).isBlank();
    }

    private static void requireFirstTest() {
        assertThat(midSuiteDumps).as("the suites' run through Cairn (the first test) did not get half way").isNotNull();
    }

    private static JsonNode endpoint(String name) throws IOException {
        ProcessResult r = CairnJar.run(60, "local", "status", "--dir", cairnDir.toString(), "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        for (JsonNode c : JSON.readTree(r.stdout()).get("components")) {
            if (c.get("name").asText().equals("compute-manager")) {
                for (JsonNode e : c.get("endpoints")) {
                    if (e.get("name").asText().equals(name)) {
                        return e;
                    }
                }
            }
        }
        throw new AssertionError("no endpoint " + name + " in " + r.stdout());
    }

    /** The start of pg_regress's regression.diffs in {@code outputDir}, for the failure message. */
    private static String diffs(Path outputDir) {
        try {
            String d = Files.readString(outputDir.resolve("regression.diffs"));
            return d.length() <= 6000 ? d : d.substring(0, 6000) + "\n...";
        } catch (IOException e) {
            return "(no regression.diffs: " + e.getMessage() + ")";
        }
    }

    private static void writeResults(Outcome stock, Outcome onCairn, RedoVerification verification) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", "pg-regress");
        root.put("time", Instant.now().toString());
        root.put("postgres", ProcessRunner.run(List.of(bin.tool("postgres").toString(), "--version"), null, 30).stdout().strip());
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        root.put("max_connections", MAX_CONNECTIONS == 0 ? "pg_regress default (no limit)" : Integer.toString(MAX_CONNECTIONS));
        root.put("cairn", "cairn local: 3 safekeepers, pageserver, compute manager, proxy (TLS, SCRAM); stock: one server "
                + "over TLS, fsync off and max_prepared_transactions 16 like a compute");
        root.set("regress", suiteResult("parallel_schedule, in two halves", stock.regress, onCairn.regress)
                .put("stock_wal_mb", stock.regressWalBytes / 1e6).put("cairn_wal_mb", onCairn.regressWalBytes / 1e6));
        root.set("isolation", suiteResult("isolation_schedule", stock.isolation, onCairn.isolation)
                .put("stock_wal_mb", stock.isolationWalBytes / 1e6).put("cairn_wal_mb", onCairn.isolationWalBytes / 1e6));
        root.set("redo_verify", JSON.valueToTree(verification.byRecordType()));
        Path results = repositoryRoot().resolve("bench/results/pg-regress.json");
        Files.writeString(results, JSON.writeValueAsString(root) + "\n");
    }

    private static ObjectNode suiteResult(String schedule, RegressSuite.Run stock, RegressSuite.Run onCairn) {
        ObjectNode n = JSON.createObjectNode();
        n.put("schedule", schedule);
        n.put("tests", stock.summary().tests());
        n.put("stock_passed", stock.summary().passed());
        n.put("cairn_passed", onCairn.summary().passed());
        Set<String> stockFailed = new TreeSet<>(stock.summary().failed());
        Set<String> cairnFailed = new TreeSet<>(onCairn.summary().failed());
        n.set("stock_failed", JSON.valueToTree(stockFailed));
        n.set("cairn_failed", JSON.valueToTree(cairnFailed));
        n.put("stock_wall_s", seconds(stock.wall()));
        n.put("cairn_wall_s", seconds(onCairn.wall()));
        n.put("ratio_cairn_over_stock", seconds(onCairn.wall()) / seconds(stock.wall()));
        return n;
    }

    /** The checkout's root: integration tests run in the cli module's directory. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("bench/results"))) {
                return p;
            }
        }
        throw new IllegalStateException("no bench/results above " + Path.of("").toAbsolutePath());
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
