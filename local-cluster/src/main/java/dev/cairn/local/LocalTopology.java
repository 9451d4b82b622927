package dev.cairn.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of a local cluster, in start order: three safekeepers, the pageserver, the compute manager,
 * the proxy. The single description of the cluster's wiring: the launcher starts exactly these, and the
 * docker compose file is checked against them.
 */
public final class LocalTopology {
    public static final int SAFEKEEPERS = 3;
    /** How soon a revoked CMK stops the tenant's computes in a local cluster. */
    public static final long KEY_CHECK_SECONDS = 5;

    private final ClusterConfig config;
    private final ClusterDir dir;

    public LocalTopology(ClusterConfig config, ClusterDir dir) {
        this.config = config;
        this.dir = dir;
    }

    public List<ComponentSpec> components() {
        List<ComponentSpec> all = new ArrayList<>();
        for (int id = 1; id <= SAFEKEEPERS; id++) {
            List<String> sk = new ArrayList<>(List.of("safekeeper", "--id", Integer.toString(id),
                    "--listen", address(config.safekeeperPort(id)), "--metrics-listen", address(config.safekeeperMetricsPort(id)),
                    "--data", dir.data("safekeeper-" + id).toString()));
            addKeys(sk);
            all.add(new ComponentSpec("safekeeper-" + id, sk, config.safekeeperPort(id), "256m"));
        }
        List<String> pageserver = new ArrayList<>(List.of("pageserver", "--listen", address(config.pageserverPort()),
                "--data", dir.data("pageserver").toString(), "--safekeepers", safekeeperList(config::ingestSafekeeperPort)));
        addPgBin(pageserver);
        addKeys(pageserver);
        if (config.retentionMb() > 0) { // 0: a cluster created before the option, or without it
            pageserver.addAll(List.of("--retention-mb", Long.toString(config.retentionMb())));
        }
        if (config.verifyRedo()) {
            pageserver.add("--verify-redo");
        }
        all.add(new ComponentSpec("pageserver", pageserver, config.pageserverPort(), "1g"));

        List<String> manager = new ArrayList<>(List.of("compute", "manager", "--listen",
                address(config.computeManagerPort()), "--data", computeManagerData().toString(),
                "--safekeepers", safekeeperList(config::proposerSafekeeperPort), "--pageserver", pageserverUri().toString()));
        addPgBin(manager);
        addKeys(manager);
        if (config.verifyRedo()) {
            manager.add("--verify-redo");
        }
        all.add(new ComponentSpec("compute-manager", manager, config.computeManagerPort(), "512m"));

        all.add(new ComponentSpec("proxy", List.of("proxy", "--listen", address(config.proxyPort()),
                "--metrics-listen", address(config.proxyMetricsPort()),
                "--compute-manager", computeManagerUri().toString(),
                "--idle-suspend", Long.toString(config.idleSuspendSeconds())), config.proxyPort(), "256m"));
        return all;
    }

    /** Each component's Prometheus endpoint (GET /metrics), in start order. */
    public java.util.Map<String, URI> metricsUrls() {
        java.util.Map<String, URI> urls = new java.util.LinkedHashMap<>();
        for (int id = 1; id <= SAFEKEEPERS; id++) {
            urls.put("safekeeper-" + id, metricsUri(config.safekeeperMetricsPort(id)));
        }
        urls.put("pageserver", metricsUri(config.pageserverPort()));
        urls.put("compute-manager", metricsUri(config.computeManagerPort()));
        urls.put("proxy", metricsUri(config.proxyMetricsPort()));
        return urls;
    }

    private URI metricsUri(int port) {
        return URI.create("http://" + address(port) + "/metrics");
    }

    private String safekeeperList(java.util.function.IntUnaryOperator port) {
        List<String> list = new ArrayList<>();
        for (int id = 1; id <= SAFEKEEPERS; id++) {
            list.add(address(port.applyAsInt(id)));
        }
        return String.join(",", list);
    }

    /** The compute manager's data directory: its endpoint registry and the records of the computes it runs. */
    public Path computeManagerData() {
        return dir.data("compute-manager");
    }

    public URI pageserverUri() {
        return URI.create("http://" + address(config.pageserverPort()));
    }

    public URI computeManagerUri() {
        return URI.create("http://" + address(config.computeManagerPort()));
    }

    /**
     * Every data-holding service wraps its tenant keys under the tenant's CMK in one local KMS keyring
     * (the stand-in for the customer's KMS), so disabling a CMK there revokes the tenant everywhere.
     */
    private void addKeys(List<String> args) {
        args.addAll(List.of("--local-kms", dir.localKms().toString(),
                "--key-check-interval", Long.toString(KEY_CHECK_SECONDS)));
    }

    private void addPgBin(List<String> args) {
        if (config.pgBin() != null) {
            args.add("--pg-bin");
            args.add(config.pgBin());
        }
    }

    private String address(int port) {
        return config.host() + ":" + port;
    }
}
