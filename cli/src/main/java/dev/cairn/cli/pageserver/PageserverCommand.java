package dev.cairn.cli.pageserver;

import dev.cairn.cli.ServiceKeyOptions;
import dev.cairn.pageserver.service.NodeId;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.cli.HostPort;
import dev.cairn.pageserver.http.PageserverHttpApi;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.gc.RetentionPolicy;
import dev.cairn.pageserver.service.PageserverMetrics;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.pgruntime.PgBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code cairn pageserver}: serves timelines (ingest from the safekeepers, basebackups) until killed. */
@Command(name = "pageserver", mixinStandardHelpOptions = true,
        description = {"Run the pageserver: ingests committed WAL from the safekeepers into encrypted RocksDB",
                "storage and serves basebackups at any LSN over its HTTP API."})
public final class PageserverCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:9898", description = "HOST:PORT of the HTTP API (port 0: any free port; default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--data", required = true, description = "Data directory (page store, timeline list, key).")
    Path data;

    @Option(names = "--safekeepers", required = true, split = ",", description = "HOST:PORT of each safekeeper, comma-separated.")
    List<String> safekeepers;

    @Option(names = "--pg-bin", description = "PostgreSQL bin directory for initdb (default: $CAIRN_PG_BIN or pg_config --bindir).")
    Path pgBin;

    @Option(names = "--read-timeout", defaultValue = "30", description = "Seconds a read or basebackup waits for ingest by default (default ${DEFAULT-VALUE}).")
    long readTimeoutSeconds;

    @Option(names = "--retention-mb", defaultValue = "1024", description = "MB of WAL history each timeline keeps for point-in-time basebackups and reads; GC drops older versions (default ${DEFAULT-VALUE}).")
    long retentionMb;

    @Option(names = "--gc-interval", defaultValue = "300", description = "Seconds between GC passes; 0 turns GC off (default ${DEFAULT-VALUE}).")
    long gcIntervalSeconds;

    @Option(names = "--ignore-custom-rmgr", paramLabel = "ID", description = {"A custom resource manager (128-255) whose"
            + " records change nothing but the blocks they carry images of: ingest passes its records by instead of"
            + " stopping the timeline there (repeatable). Only for an extension known to behave so."})
    java.util.Set<Integer> ignoredCustomRmgrs = new java.util.HashSet<>();

    @Option(names = "--verify-redo", description = {"Verify mode: redo in Java every block that also carries"
            + " PostgreSQL's wal_consistency_checking image, compare them after PostgreSQL's masking, and count and"
            + " log each difference (the image is stored then). For tests and for checking a new release."})
    boolean verifyRedo;

    @Option(names = "--block-cache-mb", defaultValue = "64", description = "RocksDB block cache in MB (default ${DEFAULT-VALUE}).")
    long blockCacheMb;

    @picocli.CommandLine.Mixin
    ServiceKeyOptions keyOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress address;
        try {
            address = HostPort.parse(listen, "--listen");
            for (String s : safekeepers) {
                HostPort.parse(s, "--safekeepers");
            }
        } catch (IllegalArgumentException e) {
            err.println("cairn pageserver: " + e.getMessage());
            return 2;
        }
        ServiceKeys keys;
        try {
            keys = keyOptions.open(data, "pageserver");
        } catch (IllegalArgumentException e) {
            err.println("cairn pageserver: " + e.getMessage());
            return 2;
        }
        PgBinaries pg = PgBinaries.locate(Optional.ofNullable(pgBin));
        PageserverNode.Config config;
        try {
            if (retentionMb < 0 || gcIntervalSeconds < 0 || blockCacheMb < 1) {
                throw new IllegalArgumentException("--retention-mb and --gc-interval must not be negative and"
                        + " --block-cache-mb must be at least 1, got " + retentionMb + ", " + gcIntervalSeconds + " and " + blockCacheMb);
            }
            config = new PageserverNode.Config(data, safekeepers, pg, Duration.ofSeconds(readTimeoutSeconds),
                    NodeId.readOrCreate(data), new RetentionPolicy(retentionMb << 20), Duration.ofSeconds(gcIntervalSeconds),
                    blockCacheMb, ignoredCustomRmgrs, verifyRedo);
        } catch (IllegalArgumentException e) {
            keys.close();
            err.println("cairn pageserver: " + e.getMessage());
            return 2;
        }
        PageserverNode node = PageserverNode.open(config, new KmsValueCipher(keys), new PageserverMetrics(
                ServiceMetrics.create("pageserver", config.nodeId()).withJvmMetrics()));
        PageserverHttpApi api = PageserverHttpApi.start(node, address);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            node.close();
            keys.close();
            stopped.countDown();
        }, "pageserver-shutdown"));
        out.println("pageserver listening on " + address.getHostString() + ":" + api.port() + ", data " + data
                + ", safekeepers " + String.join(",", safekeepers));
        out.flush();
        stopped.await();
        return 0;
    }
}
