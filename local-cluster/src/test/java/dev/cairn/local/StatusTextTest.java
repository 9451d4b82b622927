package dev.cairn.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTextTest {

    @Test
    void aPausedIngestShowsItsReasonAndAnActiveOneDoesNot() {
        String reason = "ingest of t/l waits at 0/02748770 for room on the page store's disk: No space left on device";
        assertThat(pageserverLine("paused", reason)).contains("ingested 0/02748770, durable 0/02700000, ingest paused: " + reason);
        assertThat(pageserverLine("active", null)).endsWith("ingested 0/02748770, durable 0/02700000");
    }

    @Test
    void aStoppedIngestAndTheEndpointItStoppedShowWhereAndWhy() {
        String reason = "ingest of t/l stopped at 0/0151A2B8: record of custom resource manager custom128 (id 128),"
                + " which Cairn cannot interpret";
        assertThat(pageserverLine("failed", reason)).contains("ingest failed: " + reason);

        ObjectNode report = report();
        ObjectNode manager = report.putArray("components").addObject().put("name", "compute-manager")
                .put("state", "running").put("pid", 44).put("port", 15001).put("restarts", 0);
        manager.putArray("endpoints").addObject().put("name", "main").put("state", "failed")
                .put("lastError", "endpoint main (timeline t/l): storage stopped: the pageserver cannot apply the WAL"
                        + " record at 0/0151A2B8");
        assertThat(line(report, "compute-manager")).contains("endpoint main: failed (endpoint main (timeline t/l):"
                + " storage stopped: the pageserver cannot apply the WAL record at 0/0151A2B8)");
    }

    private static ObjectNode report() {
        return new ObjectMapper().createObjectNode().put("running", true).put("ready", true).put("supervisorPid", 42)
                .put("dir", ".cairn").put("url", "postgresql://localhost:15432/postgres");
    }

    private static String line(ObjectNode report, String component) {
        StringWriter out = new StringWriter();
        StatusText.print(report, new PrintWriter(out, true));
        return out.toString().lines().filter(l -> l.startsWith(component)).findFirst().orElseThrow().trim();
    }

    private static String pageserverLine(String state, String error) {
        ObjectNode report = report();
        ObjectNode ps = report.putArray("components").addObject().put("name", "pageserver").put("state", "running")
                .put("pid", 43).put("port", 15000).put("restarts", 0);
        ObjectNode tl = ps.putObject("timeline").put("state", state).put("ingestedLsn", "0/02748770")
                .put("durableLsn", "0/02700000");
        if (error != null) {
            tl.put("error", error);
        }
        return line(report, "pageserver");
    }
}
