package dev.cairn.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.chaos.net.FaultyRelay;
import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointDefinition;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A whole Cairn cluster as separate OS processes, started by {@code cairn local start --chaos-relays}: three
 * safekeepers, the pageserver, the compute manager (whose computes are stock postgres processes) and the
 * proxy, under the launcher's supervisor, which restarts what dies as it would in production. This JVM
 * runs the fault-injecting relays the proposers and the pageserver reach the safekeepers through.
 */
public final class ChaosCluster implements AutoCloseable {
    public static final int SAFEKEEPERS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> cairn;
    private final Path dir;
    private final int basePort;
    private final List<FaultyRelay> proposerLinks = new ArrayList<>();
    private final List<FaultyRelay> ingestLinks = new ArrayList<>();
    private String password;
    private String tenant;
    private String timeline;

    /**
     * @param cairn    how to run the cairn command, e.g. {@code [java, -jar, cairn.jar]}
     * @param dir      the cluster directory (a new one)
     * @param basePort the proxy port; the cluster uses the next 26 ports
     */
    public ChaosCluster(List<String> cairn, Path dir, int basePort) {
        this.cairn = List.copyOf(cairn);
        this.dir = dir;
        this.basePort = basePort;
    }

    public void start(Duration timeout) throws IOException {
        for (int id = 1; id <= SAFEKEEPERS; id++) {
            InetSocketAddress sk = new InetSocketAddress("127.0.0.1", basePort + id);
            proposerLinks.add(new FaultyRelay("proposer->safekeeper-" + id, basePort + 20 + id, sk));
            ingestLinks.add(new FaultyRelay("pageserver->safekeeper-" + id, basePort + 23 + id, sk));
        }
        ProcessResult r = cairn(timeout, "local", "start", "--dir", dir.toString(), "--port", Integer.toString(basePort),
                "--idle-suspend", "3600", "--chaos-relays");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("cairn local start failed (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
        JsonNode config = JSON.readTree(dir.resolve("cluster.json").toFile());
        password = config.get("password").asText();
        tenant = config.get("tenant").asText();
        timeline = config.get("timeline").asText();
    }

    /** A new client connection through the proxy to the default endpoint, with timeouts so no call hangs. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("options", "endpoint=main");
        p.setProperty("connectTimeout", "20");
        p.setProperty("loginTimeout", "60");
        p.setProperty("socketTimeout", "20");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + basePort + "/postgres", p);
    }

    public Path dir() {
        return dir;
    }

    public String tenant() {
        return tenant;
    }

    /** {@code cairn local status --json}. */
    public JsonNode status() throws IOException {
        ProcessResult r = cairn(Duration.ofSeconds(60), "local", "status", "--dir", dir.toString(), "--json");
        if (r.exitCode() != 0) {
            throw new IOException("cairn local status failed: " + r.stderr());
        }
        return JSON.readTree(r.stdout());
    }

    /** The pid of a supervised component (safekeeper-1, pageserver, compute-manager, proxy). */
    public Optional<ProcessHandle> component(String name) throws IOException {
        for (JsonNode c : status().get("components")) {
            if (c.get("name").asText().equals(name) && c.hasNonNull("pid")) {
                return ProcessHandle.of(c.get("pid").asLong());
            }
        }
        return Optional.empty();
    }

    /** The postgres postmaster of the default endpoint's compute, if one runs. */
    public Optional<ProcessHandle> compute() {
        try {
            Long pid = managerClient().status("main").pid();
            return pid == null ? Optional.empty() : ProcessHandle.of(pid);
        } catch (RuntimeException e) {
            return Optional.empty(); // the manager is down or restarting
        }
    }

    /** Waits until the compute manager answers again (after a restart); whether it did in time. */
    public boolean awaitManager(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                managerClient().status("main");
                return true;
            } catch (RuntimeException e) {
                Thread.sleep(200); // down or restarting
            }
        }
        return false;
    }

    public FaultyRelay proposerLink(int id) {
        return proposerLinks.get(id - 1);
    }

    public FaultyRelay ingestLink(int id) {
        return ingestLinks.get(id - 1);
    }

    public List<FaultyRelay> links() {
        List<FaultyRelay> all = new ArrayList<>(proposerLinks);
        all.addAll(ingestLinks);
        return all;
    }

    /** Sends a signal (KILL, STOP, CONT) to a process. */
    public static void signal(String signal, ProcessHandle p) {
        ProcessRunner.run(List.of("kill", "-" + signal, Long.toString(p.pid())), null, 10);
    }

    /** Disables or enables the tenant's CMK in the local KMS, as the customer would in theirs. */
    public void setCmk(boolean enabled) {
        ProcessResult r = cairn(Duration.ofSeconds(60), "keys", "cmk", enabled ? "enable" : "disable", "tenant-" + tenant,
                "--local-kms", dir.resolve("kms").resolve("local-kms.json").toString());
        if (r.exitCode() != 0) {
            throw new IllegalStateException("cairn keys cmk failed: " + r.stderr());
        }
    }

    /** Makes the local KMS unreachable (every call fails as a transient error) or reachable again. */
    public void setKmsOutage(boolean down) throws IOException {
        Path marker = new dev.cairn.kms.provider.local.LocalKmsProvider(dir.resolve("kms").resolve("local-kms.json"),
                false, java.time.InstantSource.system()).outageMarker();
        if (down) {
            java.nio.file.Files.writeString(marker, "chaos: KMS outage\n");
        } else {
            java.nio.file.Files.deleteIfExists(marker);
        }
    }

    /**
     * Starts a second compute for the default endpoint's timeline while the first runs (a zombie primary
     * racing it), as endpoint {@code name}; the first is fenced and must not acknowledge anything more.
     */
    public void startZombie(String name) {
        ComputeManagerClient m = managerClient();
        EndpointDefinition main = m.config("main");
        m.put(new EndpointDefinition(name, tenant, timeline, main.roles(), 5));
        m.wake(name, Duration.ofSeconds(60));
    }

    public void removeZombie(String name) {
        managerClient().delete(name);
    }

    private ComputeManagerClient managerClient() {
        return new ComputeManagerClient(URI.create("http://127.0.0.1:" + (basePort + 5)));
    }

    private ProcessResult cairn(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(cairn);
        cmd.addAll(List.of(args));
        return ProcessRunner.run(cmd, null, timeout.toSeconds());
    }

    /** Stops the cluster and removes every relay. */
    @Override
    public void close() {
        try {
            cairn(Duration.ofSeconds(180), "local", "stop", "--dir", dir.toString());
        } finally {
            links().forEach(FaultyRelay::close);
        }
    }

}
