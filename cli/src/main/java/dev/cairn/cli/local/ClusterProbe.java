package dev.cairn.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.compute.ComputeManagerClient;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.safekeeper.Id128;
import dev.cairn.safekeeper.TimelineKey;
import dev.cairn.safekeeper.admin.SafekeeperAdminClient;

/**
 * Adds what the running services say about themselves to a status report: per safekeeper the default
 * timeline's term and flush/commit LSNs, the pageserver's ingested/durable LSNs, the endpoints' states.
 * A service that does not answer gets a {@code probeError} instead.
 */
final class ClusterProbe {
    private final ClusterConfig config;
    private final LocalTopology topology;

    ClusterProbe(ClusterConfig config, LocalTopology topology) {
        this.config = config;
        this.topology = topology;
    }

    void addLiveDetails(ObjectNode report) {
        TimelineKey key = new TimelineKey(Id128.parse(config.tenant()), Id128.parse(config.timeline()));
        for (JsonNode node : report.withArray("components")) {
            ObjectNode c = (ObjectNode) node;
            String name = c.get("name").asText();
            try {
                if (name.startsWith("safekeeper-")) {
                    try (SafekeeperAdminClient sk = new SafekeeperAdminClient(config.host(), c.get("port").asInt())) {
                        sk.timelines().stream().filter(t -> t.timeline().equals(key)).findFirst().ifPresent(t -> {
                            ObjectNode tl = c.putObject("timeline");
                            tl.put("term", t.term());
                            tl.put("flushLsn", t.flushLsn().toString());
                            tl.put("commitLsn", t.commitLsn().toString());
                            tl.put("walBytes", t.walBytes());
                            tl.put("walStartLsn", t.walStartLsn().toString());
                            tl.put("durableLsn", t.durableLsn().toString());
                        });
                    }
                } else if (name.equals("pageserver")) {
                    TimelineInfo t = new PageserverClient(topology.pageserverUri()).timeline(key);
                    ObjectNode tl = c.putObject("timeline");
                    tl.put("state", t.state());
                    tl.put("ingestedLsn", t.ingestedLsn().toString());
                    tl.put("durableLsn", t.durableLsn().toString());
                    tl.put("ingestLagBytes", t.ingestLagBytes());
                    tl.put("walSource", t.walSource());
                    if (t.error() != null) {
                        tl.put("error", t.error());
                    }
                } else if (name.equals("compute-manager")) {
                    c.set("endpoints", ClusterConfig.JSON.valueToTree(
                            new ComputeManagerClient(topology.computeManagerUri()).list()));
                }
            } catch (RuntimeException e) {
                c.put("probeError", e.getMessage());
            }
        }
    }
}
