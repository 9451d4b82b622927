package dev.cairn.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.chaos.checker.Anomaly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a {@link RunReport} as {@code report.json} and a human summary {@code report.txt}. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    public static void write(RunReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("report.json").toFile(), report);
        Files.writeString(dir.resolve("report.txt"), text(report));
    }

    public static String text(RunReport r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "chaos run, seed %d, %.0f s, nemeses %s%n", r.seed(), r.durationSeconds(), r.nemeses()));
        b.append(String.format(Locale.ROOT, "operations %d, faults %d %s, anomalies %d%n", r.operationCount(),
                r.faults().size(), r.faultsByClass(), r.anomalyCount()));
        b.append(String.format(Locale.ROOT, "availability during faults %s, during single-safekeeper faults %s%n",
                percent(r.availabilityDuringFaults()), percent(r.availabilityDuringSingleSafekeeperFaults())));
        for (String u : r.unrecovered()) {
            b.append("NOT RECOVERED after the faults were healed: ").append(u).append('\n');
        }
        if (!r.computeKillRecoveryMillis().isEmpty()) {
            var sorted = r.computeKillRecoveryMillis().stream().sorted().toList();
            int n = sorted.size();
            long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            b.append(String.format(Locale.ROOT, "compute kill recovery: median %d ms, max %d ms (%d kills)%n",
                    median, sorted.get(n - 1), n));
        }
        for (RunReport.WorkloadResult w : r.workloads()) {
            b.append(String.format(Locale.ROOT, "  %-9s %6d ops (ok %d, fail %d, info %d), %s%n", w.workload(),
                    w.operations(), w.ok(), w.fail(), w.info(),
                    w.anomalies().isEmpty() ? "valid" : w.anomalies().size() + " ANOMALIES"));
            for (Anomaly a : w.anomalies().subList(0, Math.min(20, w.anomalies().size()))) {
                b.append("      ").append(a.type()).append(": ").append(a.description())
                        .append(" (operations ").append(a.operations()).append(")\n");
            }
        }
        b.append("faults:\n");
        for (RunReport.FaultSummary f : r.faults()) {
            b.append(String.format(Locale.ROOT, "  %7.1f-%7.1f s  %-9s %s %s%n", f.startSeconds(), f.endSeconds(),
                    f.nemesis(), f.kind(), f.target()));
        }
        return b.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }
}
