package dev.cairn.bench;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs pgbench against a connection string and reads its throughput. */
final class Pgbench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern PROGRESS = Pattern.compile("progress: ([0-9.]+) s, ([0-9.]+) tps");
    private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: ([0-9]+)");

    private Pgbench() {
    }

    /** Runs pgbench with {@code options} against {@code conninfo}; returns its output (stdout, then stderr). */
    static String run(PgBinaries bin, List<String> options, String conninfo) {
        return run(bin, options, conninfo, null);
    }

    /** As {@link #run(PgBinaries, List, String)}, on the given cores only (null: any). */
    static String run(PgBinaries bin, List<String> options, String conninfo, String cores) {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.tool("pgbench").toString());
        cmd.addAll(options);
        cmd.add(conninfo);
        if (cores != null) {
            cmd = CorePinning.on(cores, cmd);
        }
        ProcessResult r = ProcessRunner.run(cmd, null, 900).requireSuccess("pgbench " + String.join(" ", options));
        return r.stdout() + r.stderr();
    }

    static double tps(String output) {
        return Double.parseDouble(find(TPS, "tps", output));
    }

    /**
     * Mean of the per-second throughput pgbench reported (-P 1) after {@code fromSecond}: fresh connections
     * take seconds to reach their steady rate (each new backend maps shared buffers page by page).
     */
    static double steadyTps(String output, double fromSecond) {
        Matcher m = PROGRESS.matcher(output);
        double sum = 0;
        int n = 0;
        while (m.find()) {
            if (Double.parseDouble(m.group(1)) > fromSecond) {
                sum += Double.parseDouble(m.group(2));
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no progress reports after " + fromSecond + " s in pgbench output (run it with -P 1):\n" + output);
        }
        return sum / n;
    }

    static long transactions(String output) {
        return Long.parseLong(find(TRANSACTIONS, "transaction count", output));
    }

    private static String find(Pattern p, String what, String output) {
        Matcher m = p.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no " + what + " in pgbench output:\n" + output);
        }
        return m.group(1);
    }
}
