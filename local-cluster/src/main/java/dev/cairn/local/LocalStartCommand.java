package dev.cairn.local;

import dev.cairn.common.Id128;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cairn local start}: creates the cluster directory on first use, starts the supervisor in the
 * background, waits until every component runs and the default endpoint exists, and prints the URL.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start the local cluster in the background and print the postgresql:// URL.")
final class LocalStartCommand implements Callable<Integer> {
    @Mixin
    ClusterDirOption dirOption;

    /** Below Linux's ephemeral port range (32768-60999): see {@link EphemeralPortRange}. */
    static final int DEFAULT_PORT = 15432;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT,
            description = "The proxy's port; the other components use the next ports (default ${DEFAULT-VALUE}). Only for a new cluster.")
    int port;

    @Option(names = "--pg-bin", description = "PostgreSQL bin directory (default: $CAIRN_PG_BIN or pg_config --bindir). Only for a new cluster.")
    Path pgBin;

    @Option(names = "--idle-suspend", defaultValue = "300",
            description = "Seconds without connections before an endpoint's compute is suspended (default ${DEFAULT-VALUE}). Only for a new cluster.")
    long idleSuspendSeconds;

    @Option(names = "--retention-mb", defaultValue = "0",
            description = "MB of WAL history the pageserver keeps per timeline for branches at an LSN (default: the pageserver's, 1024). Only for a new cluster.")
    long retentionMb;

    @Option(names = "--verify-redo", description = {"Verify mode: computes log the image of every block they"
            + " change and the pageserver compares its Java redo with each (slower, more WAL; for tests). Only for a"
            + " new cluster."})
    boolean verifyRedo;

    @Option(names = "--chaos-relays", hidden = true,
            description = "Reach the safekeepers through relays on ports PORT+21.. (run by `cairn chaos`). Only for a new cluster.")
    boolean chaosRelays;

    @Option(names = "--timeout", defaultValue = "180", description = "Seconds to wait for the cluster to come up (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterDir dir = dirOption.clusterDir();
        if (retentionMb < 0) {
            err.println("cairn local start: --retention-mb must not be negative, got " + retentionMb);
            return 2;
        }
        if (port < 1 || port > 65535 - 30) {
            err.println("cairn local start: --port must be between 1 and " + (65535 - 30) + ", got " + port);
            return 2;
        }
        Optional<ProcessHandle> running = SupervisorProcess.find(dir);
        if (running.isPresent()) {
            ClusterConfig config = ClusterConfig.read(dir.config());
            out.println("Cairn is already running in " + dir.root() + " (supervisor pid " + running.get().pid() + ").");
            printUrl(out, config, dir);
            return 0;
        }
        List<ProcessHandle> orphans = SupervisorProcess.orphans(dir);
        if (!orphans.isEmpty()) {
            err.println("cairn local start: components of an earlier run still run without their supervisor (pids "
                    + orphans.stream().map(p -> Long.toString(p.pid())).toList() + "); run `cairn local stop --dir "
                    + dir.root() + "` first");
            return 1;
        }
        ClusterConfig config = loadOrCreate(dir, err);
        EphemeralPortRange.ofThisMachine().flatMap(r -> r.warningFor(config.basePort(), config.lastPort()))
                .ifPresent(w -> err.println("cairn local start: warning: " + w));
        for (ComponentSpec c : new LocalTopology(config, dir).components()) {
            if (Supervisor.portAnswers(c.port())) {
                err.println("cairn local start: port " + c.port() + " (for " + c.name() + ") is already in use; pick other ports with"
                        + " --port on a new --dir, or stop what uses it");
                return 1;
            }
        }
        copyJar(dir);
        Process supervisor = spawnSupervisor(dir);
        out.println("Starting Cairn in " + dir.root() + " (supervisor pid " + supervisor.pid() + ", logs in " + dir.logs() + ")");
        out.flush();
        return awaitReady(dir, supervisor, Duration.ofSeconds(timeoutSeconds), out, err) ? printUrl(out, config, dir) : 1;
    }

    private ClusterConfig loadOrCreate(ClusterDir dir, PrintWriter err) throws IOException {
        if (Files.exists(dir.config())) {
            ClusterConfig existing = ClusterConfig.read(dir.config());
            if (existing.basePort() != port && spec.commandLine().getParseResult().hasMatchedOption("--port")) {
                err.println("cairn local start: this cluster was created with --port " + existing.basePort()
                        + "; keeping it (use a new --dir for other ports)");
            }
            return existing;
        }
        Files.createDirectories(dir.root());
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        ClusterConfig config = new ClusterConfig("127.0.0.1", port, Id128.random().toString(), Id128.random().toString(),
                "main", "postgres", Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                pgBin == null ? null : pgBin.toAbsolutePath().toString(), idleSuspendSeconds, chaosRelays, retentionMb,
                verifyRedo);
        config.write(dir.config());
        return config;
    }

    /** The running jar, copied into the cluster so a rebuild of the sources never changes what restarts. */
    private static void copyJar(ClusterDir dir) throws IOException {
        Path self = RunningJar.locate("local start");
        Files.createDirectories(dir.jar().getParent());
        Path tmp = dir.jar().resolveSibling("cairn.jar.tmp");
        Files.copy(self, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dir.jar(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Starts {@code cairn local supervise} in its own session, so closing the terminal does not stop the cluster. */
    private static Process spawnSupervisor(ClusterDir dir) throws IOException {
        Files.createDirectories(dir.logs());
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(RunningJar.JVM_OPTIONS);
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-jar", dir.jar().toString(), "local", "supervise", "--dir", dir.root().toString()));
        Files.deleteIfExists(dir.state());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.log("supervisor").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    private static boolean awaitReady(ClusterDir dir, Process supervisor, Duration timeout, PrintWriter out,
                                      PrintWriter err) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> announced = new java.util.HashSet<>();
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir.state())) {
                SupervisorState state;
                try {
                    state = SupervisorState.read(dir.state());
                } catch (RuntimeException partial) {
                    Thread.sleep(100);
                    continue;
                }
                for (ComponentStatus c : state.components()) {
                    if ("running".equals(c.state()) && Supervisor.portAnswers(c.port()) && announced.add(c.name())) {
                        out.println("  " + c.name() + " up on port " + c.port() + " (pid " + c.pid() + ")");
                        out.flush();
                    }
                }
                if (state.error() != null) {
                    err.println("cairn local start: the cluster did not come up: " + state.error());
                    err.println("see " + dir.log("supervisor") + " and the component logs in " + dir.logs());
                    return false;
                }
                if (state.ready()) {
                    return true;
                }
            }
            if (!supervisor.isAlive() && SupervisorProcess.find(dir).isEmpty()) {
                err.println("cairn local start: the supervisor exited (code " + supervisor.exitValue() + "); see "
                        + dir.log("supervisor"));
                return false;
            }
            Thread.sleep(200);
        }
        err.println("cairn local start: not ready after " + timeout.toSeconds() + " s; it keeps trying in the background."
                + " See `cairn local status` and " + dir.logs());
        return false;
    }

    private static int printUrl(PrintWriter out, ClusterConfig config, ClusterDir dir) {
        out.println();
        out.println("Cairn is up. Connect with:");
        out.println("  psql '" + config.connectionUrl() + "'");
        out.println("Status: ./cairn local status --dir " + dir.root() + "    Stop: ./cairn local stop --dir " + dir.root());
        out.flush();
        return 0;
    }
}
