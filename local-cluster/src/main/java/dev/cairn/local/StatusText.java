package dev.cairn.local;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

/** The human-readable form of {@code cairn local status}: one line per component with its LSNs. */
final class StatusText {
    private StatusText() {
    }

    static void print(JsonNode report, PrintWriter out) {
        boolean running = report.get("running").asBoolean();
        out.println("Cairn in " + report.get("dir").asText() + ": "
                + (running ? (report.get("ready").asBoolean() ? "running" : "starting") + " (supervisor pid "
                + report.get("supervisorPid").asLong() + ")" : "stopped"));
        out.println("URL: " + report.get("url").asText());
        if (!running) {
            return;
        }
        JsonNode metrics = report.path("metrics");
        if (metrics.size() > 0) {
            out.println("Metrics (Prometheus text, dashboard tools/grafana/cairn-local.json):");
            metrics.properties().forEach(e -> out.printf("  %-16s %s%n", e.getKey(), e.getValue().asText()));
        }
        out.printf("%-16s %-11s %-8s %-6s %-9s %s%n", "COMPONENT", "STATE", "PID", "PORT", "RESTARTS", "DETAILS");
        for (JsonNode c : report.get("components")) {
            out.printf("%-16s %-11s %-8s %-6d %-9d %s%n", c.get("name").asText(), c.get("state").asText(),
                    c.path("pid").isNull() || c.path("pid").isMissingNode() ? "-" : c.get("pid").asText(),
                    c.get("port").asInt(), c.get("restarts").asInt(), details(c));
        }
    }

    private static String details(JsonNode c) {
        StringBuilder s = new StringBuilder();
        JsonNode tl = c.path("timeline");
        if (tl.has("commitLsn")) {
            s.append("term ").append(tl.path("term").asText()).append(", flush ").append(tl.path("flushLsn").asText())
                    .append(", commit ").append(tl.path("commitLsn").asText());
        }
        if (tl.has("ingestedLsn")) {
            s.append("ingested ").append(tl.path("ingestedLsn").asText()).append(", durable ")
                    .append(tl.path("durableLsn").asText());
            if (!"active".equals(tl.path("state").asText("active"))) {
                // paused (keys, disk room) or failed: the reason is what an operator needs first
                s.append(", ingest ").append(tl.path("state").asText()).append(": ").append(tl.path("error").asText());
            }
        }
        for (JsonNode e : c.path("endpoints")) {
            s.append("endpoint ").append(e.path("name").asText()).append(": ").append(e.path("state").asText());
            if (e.path("port").asInt() > 0 && "running".equals(e.path("state").asText())) {
                s.append(" on port ").append(e.path("port").asInt());
            }
            if ("failed".equals(e.path("state").asText()) && e.hasNonNull("lastError")) {
                s.append(" (").append(e.get("lastError").asText()).append(")");
            }
            s.append("  ");
        }
        if (c.has("probeError")) {
            s.append("(").append(c.get("probeError").asText()).append(")");
        }
        return s.toString().trim();
    }
}
