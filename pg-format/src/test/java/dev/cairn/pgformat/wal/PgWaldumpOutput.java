package dev.cairn.pgformat.wal;

import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs pg_waldump --bkp-details and parses its text into {@link PgWaldumpRecord}s. */
public final class PgWaldumpOutput {
    private static final Pattern RECORD = Pattern.compile(
            "^rmgr: (\\S+)\\s+len \\(rec/tot\\):\\s+(\\d+)/\\s*(\\d+), tx:\\s+(\\d+), lsn: ([0-9A-F]+/[0-9A-F]+), "
                    + "prev ([0-9A-F]+/[0-9A-F]+), desc: (.*)$");
    private static final Pattern BLOCK = Pattern.compile(
            "^\\s+blkref #(\\d+): rel (\\d+/\\d+/\\d+) fork (\\w+) blk (\\d+)"
                    + "(?: \\(FPW( for WAL verification)?\\))?"
                    + "(?:; hole: offset: (\\d+), length: (\\d+))?"
                    + "(?:, compression saved: \\d+, method: (\\w+))?.*$");

    private PgWaldumpOutput() {
    }

    /** pg_waldump of the segments from {@code firstSegment} to {@code lastSegment} in {@code walDir}. */
    public static List<PgWaldumpRecord> dump(PgCluster cluster, Path walDir, String firstSegment, String lastSegment) {
        ProcessResult r = cluster.tool("pg_waldump",
                List.of("--bkp-details", "-p", walDir.toString(), firstSegment, lastSegment), 600);
        // pg_waldump exits 1 at the end of valid WAL ("invalid record length ... got 0"): that is expected.
        if (r.exitCode() != 0 && !r.stderr().contains("error in WAL record") && !r.stderr().contains("invalid record length")) {
            r.requireSuccess("pg_waldump");
        }
        return parse(r.stdout());
    }

    public static List<PgWaldumpRecord> parse(String text) {
        List<PgWaldumpRecord> out = new ArrayList<>();
        String rmgr = null;
        int rec = 0;
        int tot = 0;
        long xid = 0;
        String lsn = null;
        String prev = null;
        String desc = null;
        List<PgWaldumpRecord.Block> blocks = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = RECORD.matcher(line);
            if (m.matches()) {
                if (rmgr != null) {
                    out.add(new PgWaldumpRecord(rmgr, rec, tot, xid, lsn, prev, desc, List.copyOf(blocks)));
                }
                rmgr = m.group(1);
                rec = Integer.parseInt(m.group(2));
                tot = Integer.parseInt(m.group(3));
                xid = Long.parseLong(m.group(4));
                lsn = m.group(5);
                prev = m.group(6);
                desc = m.group(7);
                blocks.clear();
                continue;
            }
            Matcher b = BLOCK.matcher(line);
            if (b.matches()) {
                boolean fpw = line.contains("(FPW");
                blocks.add(new PgWaldumpRecord.Block(Integer.parseInt(b.group(1)), b.group(2), b.group(3),
                        Long.parseLong(b.group(4)), fpw, fpw && b.group(5) == null,
                        b.group(6) == null ? 0 : Integer.parseInt(b.group(6)),
                        b.group(7) == null ? 0 : Integer.parseInt(b.group(7)),
                        b.group(8) == null ? (fpw ? "none" : null) : b.group(8)));
            } else if (line.contains("blkref #")) {
                throw new IllegalStateException("unparsed pg_waldump block line: " + line);
            }
        }
        if (rmgr != null) {
            out.add(new PgWaldumpRecord(rmgr, rec, tot, xid, lsn, prev, desc, List.copyOf(blocks)));
        }
        return out;
    }
}
