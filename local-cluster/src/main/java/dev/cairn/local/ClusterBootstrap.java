package dev.cairn.local;

import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.time.Duration;

/** The default tenant, timeline and endpoint of a local cluster, created on its first start. */
final class ClusterBootstrap {
    private final ClusterConfig config;
    private final LocalTopology topology;

    ClusterBootstrap(ClusterConfig config, LocalTopology topology) {
        this.config = config;
        this.topology = topology;
    }

    void ensureDefaults(Duration wait) throws Exception {
        TimelineKey key = new TimelineKey(Id128.parse(config.tenant()), Id128.parse(config.timeline()));
        Provisioning.ensureTimeline(new PageserverClient(topology.pageserverUri()), key, true, wait);
        Provisioning.ensureEndpoint(new ComputeManagerClient(topology.computeManagerUri()), config.endpoint(), key,
                config.role(), config.password(), 100, true, wait);
    }
}
