package dev.cairn.cli.compute;

import dev.cairn.cli.HostPort;
import dev.cairn.cli.ServiceKeyOptions;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.compute.ComputeManager;
import dev.cairn.compute.ComputeManagerMetrics;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.compute.ComputeManagerHttpApi;
import dev.cairn.compute.ComputeSpec;
import dev.cairn.pgruntime.PgBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code cairn compute manager}: runs endpoints' computes on this machine, woken by the proxy. */
@Command(name = "manager", mixinStandardHelpOptions = true,
        description = "Run the compute manager: starts, supervises and suspends stock-postgres computes for endpoints.")
final class ComputeManagerCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:9899", description = "HOST:PORT of the HTTP API (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--data", required = true, description = "Data directory (endpoint registry).")
    Path data;

    @Option(names = "--safekeepers", required = true, split = ",", description = "HOST:PORT of each safekeeper, comma-separated.")
    List<String> safekeepers;

    @Option(names = "--pageserver", required = true, description = "Pageserver API URL, e.g. http://127.0.0.1:9898.")
    URI pageserver;

    @Option(names = "--pg-bin", description = "PostgreSQL bin directory (default: $CAIRN_PG_BIN or pg_config --bindir).")
    Path pgBin;

    @Option(names = "--compute-host", defaultValue = "127.0.0.1",
            description = "Host name the proxy reaches computes at; other than loopback, postgres listens on all interfaces (default ${DEFAULT-VALUE}).")
    String computeHost;

    @Option(names = "--state-root", description = "Where computes keep their disposable PGDATA (default: /dev/shm/cairn-computes, else the temp directory).")
    Path stateRoot;

    @Option(names = "--max-ingest-lag-mb", defaultValue = "" + (ComputeSpec.DEFAULT_MAX_INGEST_LAG_BYTES >> 20),
            description = "MiB of WAL the pageserver's ingest may trail the quorum by before a compute's commits wait"
                    + " for it (default ${DEFAULT-VALUE}); bounds what a wake after a burst waits for.")
    long maxIngestLagMb;

    @Option(names = "--compute-setting", paramLabel = "NAME=VALUE",
            description = "A postgres setting for every compute, e.g. shared_preload_libraries=pg_stat_statements"
                    + " (repeatable); the settings storage depends on are refused.")
    java.util.Map<String, String> computeSettings = new java.util.LinkedHashMap<>();

    @Option(names = "--verify-redo", description = {"Computes log the image of every block they change"
            + " (wal_consistency_checking = all), for a pageserver running with --verify-redo; without it computes log no consistency images."})
    boolean verifyRedo;

    @picocli.CommandLine.Mixin
    ServiceKeyOptions keyOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress address;
        ComputeManager.Config config;
        ServiceKeys keys;
        try {
            if (maxIngestLagMb < 1) {
                throw new IllegalArgumentException("--max-ingest-lag-mb must be at least 1, got " + maxIngestLagMb);
            }
            keys = keyOptions.open(data, "compute-manager");
            address = HostPort.parse(listen, "--listen");
            config = new ComputeManager.Config(data, SafekeeperList.parse(safekeepers), pageserver,
                    PgBinaries.locate(Optional.ofNullable(pgBin)), computeHost,
                    stateRoot != null ? stateRoot : ComputeSpec.defaultStateRoot(), maxIngestLagMb << 20,
                    computeSettings, verifyRedo);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("cairn compute manager: " + e.getMessage());
            return 2;
        }
        ComputeManager manager = new ComputeManager(config, keys, new ComputeManagerMetrics(
                ServiceMetrics.create("compute-manager").withJvmMetrics()));
        ComputeManagerHttpApi api = ComputeManagerHttpApi.start(manager, address);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            manager.close(); // suspends running computes: clean shutdown, local state deleted
            keys.close();
            stopped.countDown();
        }, "compute-manager-shutdown"));
        out.println("compute manager listening on " + address.getHostString() + ":" + api.port() + ", pageserver "
                + pageserver + ", computes in " + config.stateRoot());
        out.flush();
        stopped.await();
        return 0;
    }
}
