package dev.cairn.cli.local;

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

    private static String pageserverLine(String state, String error) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode().put("running", true).put("ready", true).put("supervisorPid", 42)
                .put("dir", ".cairn").put("url", "postgresql://localhost:15432/postgres");
        ObjectNode ps = report.putArray("components").addObject().put("name", "pageserver").put("state", "running")
                .put("pid", 43).put("port", 15000).put("restarts", 0);
        ObjectNode tl = ps.putObject("timeline").put("state", state).put("ingestedLsn", "0/02748770")
                .put("durableLsn", "0/02700000");
        if (error != null) {
            tl.put("error", error);
        }
        StringWriter out = new StringWriter();
        StatusText.print(report, new PrintWriter(out, true));
        return out.toString().lines().filter(l -> l.startsWith("pageserver")).findFirst().orElseThrow().trim();
    }
}
