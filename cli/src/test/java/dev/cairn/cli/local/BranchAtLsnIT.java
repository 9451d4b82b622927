package dev.cairn.cli.local;

import dev.cairn.local.ClusterDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-in-time branching as the README shows it, on a {@code cairn local start} cluster: rows written, an
 * LSN noted, more rows and a dropped table, then {@code cairn timeline create --branch-from main --at LSN}
 * and an endpoint on the branch. psql through the proxy sees exactly the data of that LSN on the branch and
 * everything on main; each side then writes without the other seeing it.
 */
class BranchAtLsnIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREATED = Pattern.compile("^tenant ([0-9a-f]{32}) timeline ([0-9a-f]{32}) starts at (\\S+)",
            Pattern.MULTILINE);
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static String mainUrl;

    @BeforeAll
    static void start() {
        int port = LocalClusterIT.freeBase();
        ProcessResult r = CairnJar.run(300, "local", "start", "--dir", dir.toString(), "--port", Integer.toString(port));
        assertThat(r.exitCode()).as("local start failed:\n%s\n%s", r.stdout(), r.stderr()).isZero();
        mainUrl = CairnJar.connectionUrl(r);
    }

    @AfterAll
    static void stop() {
        if (dir != null) {
            CairnJar.stopLocal(dir);
        }
    }

    @Test
    void branchAtAnLsnServesTheDataOfThatLsnThroughItsOwnEndpoint() throws Exception {
        psql(mainUrl, "CREATE TABLE orders (id int PRIMARY KEY, note text)");
        psql(mainUrl, "INSERT INTO orders SELECT g, 'early' FROM generate_series(1, 100) g");
        psql(mainUrl, "CREATE TABLE audit (entry text); INSERT INTO audit VALUES ('kept on the branch')");
        String lsn = psql(mainUrl, "SELECT pg_current_wal_lsn()").strip();
        psql(mainUrl, "INSERT INTO orders SELECT g, 'late' FROM generate_series(101, 150) g");
        psql(mainUrl, "DROP TABLE audit");

        JsonNode main = mainTimeline();
        String tenant = main.get("tenant").asText();
        long t0 = System.nanoTime();
        ProcessResult created = cairn("timeline", "create", "--tenant", tenant, "--branch-from", main.get("timeline").asText(),
                "--at", lsn);
        System.out.printf("timeline create --branch-from: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        Matcher m = CREATED.matcher(created.stdout());
        assertThat(m.find()).as(created.stdout()).isTrue();
        assertThat(m.group(1)).isEqualTo(tenant);
        String branch = m.group(2);
        assertThat(created.stdout()).contains("branched from " + main.get("timeline").asText());

        JsonNode listed = timeline(branch);
        assertThat(listed.get("ancestorTimeline").asText()).isEqualTo(main.get("timeline").asText());
        assertThat(Lsn.parse(listed.get("ancestorLsn").asText())).isLessThanOrEqualTo(Lsn.parse(lsn));
        assertThat(timeline(main.get("timeline").asText()).get("ancestorTimeline").isNull()).isTrue();
        assertThat(cairn("timeline", "list").stdout()).contains(main.get("timeline").asText() + " at " + listed.get("ancestorLsn").asText());

        ProcessResult endpoint = CairnJar.run(Map.of("PITR_PASSWORD", "pitr-secret"), 120, "endpoint", "create", "pitr",
                "--dir", dir.toString(), "--tenant", tenant, "--timeline", branch, "--role", "postgres",
                "--password-env", "PITR_PASSWORD");
        assertThat(endpoint.exitCode()).as(endpoint.stderr()).isZero();
        String pitrUrl = mainUrl.replaceFirst("postgres:[^@]+@", "postgres:pitr-secret@").replace("endpoint%3Dmain", "endpoint%3Dpitr");

        assertThat(psql(pitrUrl, "SELECT count(*), max(id), count(*) FILTER (WHERE note = 'late') FROM orders").strip())
                .isEqualTo("100|100|0");
        assertThat(psql(pitrUrl, "SELECT entry FROM audit").strip()).isEqualTo("kept on the branch");
        assertThat(psql(mainUrl, "SELECT count(*), max(id) FROM orders").strip()).isEqualTo("150|150");
        assertThat(psql(mainUrl, "SELECT count(*) FROM pg_class WHERE relname = 'audit'").strip()).isEqualTo("0");

        psql(pitrUrl, "INSERT INTO orders VALUES (1000, 'branch only')");
        psql(mainUrl, "INSERT INTO orders VALUES (2000, 'main only')");
        assertThat(psql(pitrUrl, "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE id > 150").strip())
                .isEqualTo("1000");
        assertThat(psql(mainUrl, "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE id > 150").strip())
                .isEqualTo("2000");

        // a branch of the branch, at its newest WAL (no --at), described as JSON
        ProcessResult again = cairn("timeline", "create", "--tenant", tenant, "--branch-from", branch, "--json");
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        JsonNode nested = JSON.readTree(again.stdout());
        assertThat(nested.get("tenant").asText()).isEqualTo(tenant);
        assertThat(nested.get("timeline").asText()).matches("[0-9a-f]{32}").isNotIn(branch, main.get("timeline").asText());
        assertThat(nested.get("ancestorTimeline").asText()).isEqualTo(branch);
        assertThat(Lsn.parse(nested.get("ancestorLsn").asText())).as("within the branch's own WAL")
                .isGreaterThanOrEqualTo(Lsn.parse(listed.get("startLsn").asText()));
    }

    @Test
    void badBranchArgumentsAreRefusedClearly() throws Exception {
        JsonNode main = mainTimeline();
        int timelines = JSON.readTree(cairn("timeline", "list", "--json").stdout()).size();
        String tenant = main.get("tenant").asText();
        String source = main.get("timeline").asText();

        ProcessResult syntax = cairn("timeline", "create", "--tenant", tenant, "--branch-from", source, "--at", "3000028");
        assertThat(syntax.exitCode()).isEqualTo(2);
        assertThat(syntax.stderr()).contains("--at must be an LSN").contains("'3000028'");

        Lsn ingested = Lsn.parse(main.get("ingestedLsn").asText());
        Lsn beyond = ingested.plus(1L << 30);
        ProcessResult future = cairn("timeline", "create", "--tenant", tenant, "--branch-from", source, "--at", beyond.toString());
        assertThat(future.exitCode()).isEqualTo(1);
        assertThat(future.stderr()).contains("cannot branch at " + beyond).contains("ingested only up to");

        ProcessResult early = cairn("timeline", "create", "--tenant", tenant, "--branch-from", source, "--at", "0/1");
        assertThat(early.exitCode()).isEqualTo(1);
        assertThat(early.stderr()).contains("cannot branch at " + Lsn.parse("0/1")).contains("starts at " + main.get("startLsn").asText());

        String unknown = "0123456789abcdef0123456789abcdef";
        ProcessResult missing = cairn("timeline", "create", "--tenant", tenant, "--branch-from", unknown, "--at", "0/1");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains(unknown).contains("does not exist");

        ProcessResult noTenant = cairn("timeline", "create", "--branch-from", source);
        assertThat(noTenant.exitCode()).isEqualTo(2);
        assertThat(noTenant.stderr()).contains("--branch-from needs --tenant");

        assertThat(JSON.readTree(cairn("timeline", "list", "--json").stdout()).size())
                .as("timelines after refused branches").isEqualTo(timelines);
        Path work = new ClusterDir(dir).data("pageserver").resolve("branching");
        if (Files.isDirectory(work)) {
            try (var left = Files.list(work)) {
                assertThat(left.toList()).as("private copies left by the pageserver").isEmpty();
            }
        }
    }

    /** The timeline `local start` created (the other test may have added a branch). */
    private static JsonNode mainTimeline() throws Exception {
        for (JsonNode t : JSON.readTree(cairn("timeline", "list", "--json").stdout())) {
            if (t.get("ancestorTimeline").isNull()) {
                return t;
            }
        }
        throw new AssertionError("no timeline without an ancestor");
    }

    private static JsonNode timeline(String id) throws Exception {
        for (JsonNode t : JSON.readTree(cairn("timeline", "list", "--json").stdout())) {
            if (t.get("timeline").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("timeline " + id + " not listed");
    }

    private static ProcessResult cairn(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", dir.toString()));
        return CairnJar.run(180, all.toArray(String[]::new));
    }

    private static String psql(String url, String sql) {
        Path psql = PgBinaries.locate().tool("psql");
        ProcessResult r = ProcessRunner.run(List.of(psql.toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                "-c", sql), null, 120);
        assertThat(r.exitCode()).as("psql %s failed: %s", sql, r.stderr()).isZero();
        return r.stdout();
    }
}
