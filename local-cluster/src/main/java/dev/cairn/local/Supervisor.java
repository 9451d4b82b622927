package dev.cairn.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the components of a local cluster as child processes and keeps them running, as a process manager
 * would: a component that dies is restarted after a backoff, and the restart is logged. Every change is
 * published to state.json. Components stop in reverse start order.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ClusterDir dir;
    private final RestartBackoff backoff;
    private final String java;
    private final List<Supervised> components = new ArrayList<>();
    private final String startedAt = Instant.now().toString();
    private volatile boolean stopping;
    private volatile boolean ready;
    private volatile String error;

    Supervisor(ClusterDir dir, List<ComponentSpec> specs, RestartBackoff backoff) {
        this.dir = dir;
        this.backoff = backoff;
        this.java = ProcessHandle.current().info().command().orElse("java");
        for (ComponentSpec spec : specs) {
            components.add(new Supervised(spec));
        }
    }

    /** Starts every component in order, each once the previous answers on its port. */
    void startAll(Duration timeoutEach) throws InterruptedException, TimeoutException {
        for (Supervised c : components) {
            c.launch();
            Thread.ofPlatform().daemon().name("supervise-" + c.spec.name()).start(c::watch);
            awaitPort(c, timeoutEach);
        }
    }

    void markReady() {
        ready = true;
        publish();
    }

    void markFailed(String message) {
        error = message;
        publish();
    }

    private void awaitPort(Supervised c, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (portAnswers(c.spec.port())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new TimeoutException(c.spec.name() + " did not listen on port " + c.spec.port() + " within "
                + timeout.toSeconds() + " s; see " + dir.log(c.spec.name()));
    }

    public static boolean portAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    synchronized void publish() {
        List<ComponentStatus> list = components.stream().map(Supervised::status).toList();
        new SupervisorState(ProcessHandle.current().pid(), startedAt, ready, error, list).write(dir.state());
    }

    @Override
    public void close() {
        stopping = true;
        for (int i = components.size() - 1; i >= 0; i--) {
            components.get(i).stop();
        }
        ready = false;
        publish();
    }

    /** One component: its current process and restart history. */
    private final class Supervised {
        final ComponentSpec spec;
        volatile Process process;
        volatile String state = "stopped";
        volatile int restarts;
        volatile Integer lastExitCode;
        volatile String lastExitAt;
        volatile Instant started;
        int crashesInARow;

        Supervised(ComponentSpec spec) {
            this.spec = spec;
        }

        synchronized void launch() {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(RunningJar.JVM_OPTIONS);
            command.addAll(List.of("-Xmx" + spec.maxHeap(), "-XX:+UseSerialGC", "-jar", dir.jar().toString()));
            command.addAll(spec.cairnArgs());
            Path log = dir.log(spec.name());
            try {
                Files.createDirectories(log.getParent());
                Files.writeString(log, Instant.now() + " supervisor: starting " + String.join(" ", command) + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + spec.name() + ": " + e.getMessage(), e);
            }
            started = Instant.now();
            state = "running";
            LOG.info("started {} (pid {}) on port {}", spec.name(), process.pid(), spec.port());
            publish();
        }

        /** Waits for the process to die and restarts it, until the supervisor stops. */
        void watch() {
            while (!stopping) {
                Process p = process;
                int code;
                try {
                    code = p.waitFor();
                } catch (InterruptedException e) {
                    return;
                }
                if (stopping) {
                    return;
                }
                Duration uptime = Duration.between(started, Instant.now());
                crashesInARow = backoff.wasStable(uptime) ? 1 : crashesInARow + 1;
                Duration delay = backoff.delay(crashesInARow);
                lastExitCode = code;
                lastExitAt = Instant.now().toString();
                state = "restarting";
                LOG.warn("{} (pid {}) exited with code {} after {} s; restarting in {} ms (restart #{})", spec.name(),
                        p.pid(), code, uptime.toSeconds(), delay.toMillis(), restarts + 1);
                publish();
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (stopping) {
                    return;
                }
                restarts++;
                try {
                    launch();
                } catch (RuntimeException e) {
                    LOG.error("cannot restart {}: {}", spec.name(), e.getMessage());
                    state = "failed";
                    publish();
                }
            }
        }

        void stop() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                state = "stopped";
                return;
            }
            p.destroy(); // SIGTERM: shutdown hooks flush and close stores, computes are suspended
            try {
                if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} (pid {}) did not stop within {} s; killing it", spec.name(), p.pid(),
                            STOP_GRACE.toSeconds());
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            state = "stopped";
            LOG.info("stopped {}", spec.name());
        }

        ComponentStatus status() {
            Process p = process;
            Long pid = p != null && p.isAlive() ? p.pid() : null;
            return new ComponentStatus(spec.name(), state, pid, spec.port(), restarts, lastExitCode, lastExitAt,
                    started == null ? null : started.toString());
        }
    }
}
