package dev.cairn.cli.admin;

import dev.cairn.local.ClusterConfig;
import dev.cairn.local.ClusterDir;
import dev.cairn.local.LocalTopology;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the admin commands find the services: explicit flags, else the environment, else the local
 * cluster in {@code --dir} (default .cairn), so {@code cairn timeline list} just works after
 * {@code cairn local start}.
 */
public final class ServiceUrls {
    @Option(names = "--pageserver", defaultValue = "${env:CAIRN_PAGESERVER}", description = "Pageserver API URL (default: $CAIRN_PAGESERVER or the local cluster's).")
    URI pageserver;

    @Option(names = "--compute-manager", defaultValue = "${env:CAIRN_COMPUTE_MANAGER}", description = "Compute manager API URL (default: $CAIRN_COMPUTE_MANAGER or the local cluster's).")
    URI computeManager;

    @Option(names = "--dir", defaultValue = "${env:CAIRN_LOCAL_DIR:-.cairn}", description = "Local cluster directory to take the URLs from (default .cairn).")
    Path dir;

    public URI pageserver() {
        return pageserver != null ? pageserver : local().pageserverUri();
    }

    public URI computeManager() {
        return computeManager != null ? computeManager : local().computeManagerUri();
    }

    private LocalTopology local() {
        ClusterDir cluster = new ClusterDir(dir);
        if (!Files.exists(cluster.config())) {
            throw new IllegalArgumentException("no service URL given and no local cluster in " + cluster.root()
                            + " (pass --pageserver/--compute-manager or start one with `cairn local start`)");
        }
        return new LocalTopology(ClusterConfig.read(cluster.config()), cluster);
    }
}
