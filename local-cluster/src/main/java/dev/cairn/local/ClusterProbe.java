package dev.cairn.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.SafekeeperAdminClient;

/**
 * Adds what the running services say about themselves to a status report: per safekeeper the default
 * timeline's term and flush/commit LSNs, the pageserver's ingested/durable LSNs, the endpoints' states.
 * A service that does not answer gets a {@code probeError} instead.
 */
final class ClusterProbe {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

    private final ClusterConfig config;
    private final LocalTopology topology;

    ClusterProbe(ClusterConfig config, LocalTopology topology) {
        this.config = config;
        this.topology = topology;
    }

    void addLiveDetails(ObjectNode report) {
        // every service is asked at once, each for at most PROBE_TIMEOUT: a paused or hung one must not hold
        // the whole status up (its clients otherwise wait minutes, as for a basebackup or a wake)
        ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<ObjectNode> components = new ArrayList<>();
            List<ObjectNode> answers = new ArrayList<>();
            List<Future<?>> running = new ArrayList<>();
            for (JsonNode node : report.withArray("components")) {
                ObjectNode c = (ObjectNode) node;
                ObjectNode answer = ClusterConfig.JSON.createObjectNode();
                components.add(c);
                answers.add(answer);
                running.add(probes.submit(() -> probe(c.get("name").asText(), c.get("port").asInt(), answer)));
            }
            long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
            for (int i = 0; i < components.size(); i++) {
                ObjectNode c = components.get(i);
                try {
                    running.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    c.setAll(answers.get(i));
                } catch (TimeoutException e) {
                    c.put("probeError", "did not answer within " + PROBE_TIMEOUT.toSeconds() + " s");
                } catch (ExecutionException e) {
                    c.put("probeError", e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probes.shutdownNow(); // a probe still waiting is abandoned, not awaited
        }
    }

    /** What one service says about itself, written into {@code c}. */
    private void probe(String name, int port, ObjectNode c) {
        TimelineKey key = new TimelineKey(Id128.parse(config.tenant()), Id128.parse(config.timeline()));
        if (name.startsWith("safekeeper-")) {
            try (SafekeeperAdminClient sk = new SafekeeperAdminClient(config.host(), port)) {
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
            if (t.stoppedAtLsn().isValid()) {
                tl.put("stoppedAtLsn", t.stoppedAtLsn().toString());
            }
        } else if (name.equals("compute-manager")) {
            c.set("endpoints", ClusterConfig.JSON.valueToTree(
                    new ComputeManagerClient(topology.computeManagerUri()).list()));
        }
    }
}
