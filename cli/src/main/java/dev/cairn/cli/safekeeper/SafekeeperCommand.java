package dev.cairn.cli.safekeeper;

import dev.cairn.cli.HostPort;
import dev.cairn.cli.ServiceKeyOptions;
import dev.cairn.httpserver.HttpApiServer;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.safekeeper.grpc.SafekeeperServer;
import dev.cairn.safekeeper.service.SafekeeperMetrics;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.KmsChunkCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn safekeeper}: runs one safekeeper (acceptor, WAL streaming, admin) until killed. */
@Command(name = "safekeeper", mixinStandardHelpOptions = true,
        description = "Run a safekeeper: the quorum acceptor that makes a timeline's WAL durable.")
public final class SafekeeperCommand implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "Node id of this safekeeper (positive).")
    long id;

    @Option(names = "--listen", required = true, description = "HOST:PORT to serve gRPC on.")
    String listen;

    @Option(names = "--metrics-listen", description = "HOST:PORT to serve Prometheus metrics on (GET /metrics);"
            + " default: none (the gRPC Admin service still answers Metrics).")
    String metricsListen;

    @Option(names = "--data", required = true, description = "Data directory (timelines, WAL, state).")
    Path data;

    @Option(names = "--segment-size", defaultValue = "16777216", description = "WAL segment size in bytes (default 16 MiB).")
    int segmentSize;

    @Mixin
    ServiceKeyOptions keyOptions;

    @Override
    public Integer call() throws Exception {
        if (id <= 0) {
            System.err.println("cairn safekeeper: --id must be positive");
            return 2;
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("cairn safekeeper: --listen must be HOST:PORT, got " + listen);
            return 2;
        }
        InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        InetSocketAddress metricsAddress;
        try {
            metricsAddress = metricsListen == null ? null : HostPort.parse(metricsListen, "--metrics-listen");
        } catch (IllegalArgumentException e) {
            System.err.println("cairn safekeeper: " + e.getMessage());
            return 2;
        }
        Files.createDirectories(data);
        ServiceKeys keys;
        try {
            keys = keyOptions.open(data, "safekeeper-" + id);
        } catch (IllegalArgumentException e) {
            System.err.println("cairn safekeeper: " + e.getMessage());
            return 2;
        }
        // WAL chunks are sealed under the tenant's DEKs; its keyring is created with the timeline's first use.
        ServiceMetrics metrics = ServiceMetrics.create("safekeeper", Long.toString(id)).withJvmMetrics();
        SafekeeperNode node = new SafekeeperNode(id, data, segmentSize,
                timeline -> new KmsChunkCipher(keys.hierarchy(), keys.ensureTenant(timeline.tenant())),
                new SafekeeperMetrics(metrics));
        SafekeeperServer server = SafekeeperServer.start(node, address);
        HttpApiServer metricsServer = metricsAddress == null ? null : HttpApiServer.metricsOnly(metricsAddress, metrics::scrape);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (metricsServer != null) {
                metricsServer.close();
            }
            server.close();
            keys.close();
        }));
        System.out.println("safekeeper " + id + " listening on " + address.getHostString() + ":" + server.port()
                + (metricsServer == null ? "" : ", metrics on " + metricsAddress.getHostString() + ":" + metricsServer.port())
                + ", data " + data);
        System.out.flush();
        server.awaitTermination();
        return 0;
    }
}
