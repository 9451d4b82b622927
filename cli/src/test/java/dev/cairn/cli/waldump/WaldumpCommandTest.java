package dev.cairn.cli.waldump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.CliRun;
import dev.cairn.pgformat.wal.PgWaldumpOutput;
import dev.cairn.pgformat.wal.PgWaldumpRecord;
import dev.cairn.pgformat.wal.SampleWal;
import dev.cairn.pgruntime.ProcessResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn waldump} against real WAL, checked with pg_waldump on the same files. */
class WaldumpCommandTest {
    private static SampleWal wal;
    private static List<PgWaldumpRecord> oracle;
    private static String firstSegment;
    private static String lastSegment;

    @BeforeAll
    static void dumpWithPgWaldump() {
        wal = SampleWal.get();
        firstSegment = wal.segments.get(0).getFileName().toString();
        lastSegment = wal.segments.get(wal.segments.size() - 1).getFileName().toString();
        oracle = PgWaldumpOutput.dump(wal.cluster, wal.walDir, firstSegment, lastSegment);
        assertThat(oracle).hasSizeGreaterThan(1000);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void textOutputMatchesPgWaldumpUpToTheDescription() {
        CliRun r = run("waldump", "--bkp-details", wal.walDir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("end of WAL at");
        List<String> records = r.out().lines().filter(l -> l.startsWith("rmgr:")).toList();
        assertThat(records).hasSameSizeAs(oracle);
        List<PgWaldumpRecord> ours = PgWaldumpOutput.parse(r.out());
        for (int i = 0; i < oracle.size(); i++) {
            PgWaldumpRecord e = oracle.get(i);
            PgWaldumpRecord a = ours.get(i);
            assertThat(a.lsn()).isEqualTo(e.lsn());
            assertThat(a.rmgr()).isEqualTo(e.rmgr());
            assertThat(a.recLength()).isEqualTo(e.recLength());
            assertThat(a.totalLength()).isEqualTo(e.totalLength());
            assertThat(a.xid()).isEqualTo(e.xid());
            assertThat(a.prev()).isEqualTo(e.prev());
            assertThat(a.desc().split(" ")[0]).as("record type at %s", e.lsn()).isEqualTo(e.desc().split(" ")[0]);
            assertThat(a.blocks()).as("blocks at %s", e.lsn()).isEqualTo(e.blocks());
        }
    }

    @Test
    void jsonHasOneObjectPerRecord() throws IOException {
        CliRun r = run("waldump", "--json", wal.walDir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSameSizeAs(oracle);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = mapper.readTree(lines.get(i));
            PgWaldumpRecord e = oracle.get(i);
            assertThat(n.get("lsn").asText()).isEqualTo(e.lsn());
            assertThat(n.get("prev").asText()).isEqualTo(e.prev());
            assertThat(n.get("rmgr").asText()).isEqualTo(e.rmgr());
            assertThat(n.get("xid").asLong()).isEqualTo(e.xid());
            assertThat(n.get("total_len").asInt()).isEqualTo(e.totalLength());
            assertThat(n.get("end_lsn").asText()).isNotEmpty();
            assertThat(n.get("info").isInt()).isTrue();
            JsonNode blocks = n.get("blocks");
            assertThat(blocks.size()).isEqualTo(e.blocks().size());
            for (int b = 0; b < blocks.size(); b++) {
                JsonNode jb = blocks.get(b);
                PgWaldumpRecord.Block eb = e.blocks().get(b);
                JsonNode rel = jb.get("rel");
                assertThat(rel.get("spc").asText() + "/" + rel.get("db").asText() + "/" + rel.get("rel").asText())
                        .isEqualTo(eb.rel());
                assertThat(jb.get("fork").asText()).isEqualTo(eb.fork());
                assertThat(jb.get("blk").asLong()).isEqualTo(eb.blk());
                assertThat(jb.get("has_image").asBoolean()).isEqualTo(eb.fpw());
                assertThat(jb.get("apply_image").asBoolean()).isEqualTo(eb.apply());
            }
        }
    }

    @Test
    void statsCountTheSameRecordsPerRmgrAsPgWaldump() {
        ProcessResult pg = wal.cluster.tool("pg_waldump",
                List.of("--stats", "-p", wal.walDir.toString(), firstSegment, lastSegment), 300);
        Map<String, Long> expected = parseStats(pg.stdout());
        CliRun r = run("waldump", "--stats", wal.walDir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(parseStats(r.out())).isEqualTo(expected).isNotEmpty();
    }

    @Test
    void startAndEndSelectARange() {
        PgWaldumpRecord from = oracle.get(100);
        PgWaldumpRecord to = oracle.get(110);
        CliRun r = run("waldump", "--json", "--start", from.lsn(), "--end", to.lsn(), wal.walDir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo(10);
        assertThat(lines.get(0)).contains("\"lsn\":\"" + from.lsn() + "\"");
    }

    @Test
    void badArgumentsGetClearErrorsAndExitCode2(@TempDir Path empty) {
        CliRun badLsn = run("waldump", "--start", "0/XYZ", wal.walDir.toString());
        assertThat(badLsn.exit()).isEqualTo(2);
        assertThat(badLsn.err()).contains("invalid --start").contains("0/XYZ");

        CliRun missing = run("waldump", empty.resolve("000000010000000000000009").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such WAL file");

        CliRun noSegments = run("waldump", empty.toString());
        assertThat(noSegments.exit()).isEqualTo(2);
        assertThat(noSegments.err()).contains("no WAL segment files");

        CliRun noArgs = run("waldump");
        assertThat(noArgs.exit()).isEqualTo(2);
    }

    @Test
    void corruptWalExitsWith3AndNamesTheLsn(@TempDir Path dir) throws IOException {
        byte[] bytes = wal.firstSegment.clone();
        PgWaldumpRecord victim = oracle.get(200);
        long lsn = parseLsn(victim.lsn());
        int offset = (int) (lsn % bytes.length);
        bytes[offset + victim.totalLength() - 1] ^= 0x01;
        Path file = dir.resolve(firstSegment);
        Files.write(file, bytes);
        CliRun r = run("waldump", file.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("error in WAL at " + victim.lsn()).contains("BAD_CRC");
        assertThat(r.out().lines().count()).isEqualTo(200);
    }

    private static long parseLsn(String s) {
        String[] p = s.split("/");
        return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
    }

    private static Map<String, Long> parseStats(String text) {
        Pattern line = Pattern.compile("^(\\w+)\\s+(\\d+) \\(.*$");
        Map<String, Long> out = new HashMap<>();
        for (String l : text.split("\n")) {
            Matcher m = line.matcher(l);
            if (m.matches() && !m.group(1).equals("Total") && Long.parseLong(m.group(2)) > 0) {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }
}
