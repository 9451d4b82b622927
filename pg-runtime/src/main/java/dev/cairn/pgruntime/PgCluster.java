package dev.cairn.pgruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A stock PostgreSQL data directory and, when started, its server process,
 * listening on 127.0.0.1 only. Used by tests and tools; the compute agent
 * builds on the same pieces.
 */
public final class PgCluster implements AutoCloseable {
    private final PgBinaries bin;
    private final ServerUser user;
    private final Path dataDir;
    /** Server-owned sibling of the data directory for the socket and the server log. */
    private final Path runDir;
    private int port = -1;

    private PgCluster(PgBinaries bin, ServerUser user, Path dataDir) {
        this.bin = bin;
        this.user = user;
        this.dataDir = dataDir;
        this.runDir = dataDir.resolveSibling(dataDir.getFileName() + ".run");
    }

    /** Runs initdb into {@code dataDir} (which must not exist yet). */
    public static PgCluster initdb(PgBinaries bin, Path dataDir, List<String> extraInitdbArgs) {
        ServerUser user = ServerUser.current();
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        user.own(dataDir);
        List<String> cmd = new ArrayList<>(List.of(bin.tool("initdb").toString(),
                "-D", dataDir.toString(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"));
        cmd.addAll(extraInitdbArgs);
        ProcessRunner.run(user.wrap(cmd), dataDir.getParent(), 300).requireSuccess("initdb " + dataDir);
        return new PgCluster(bin, user, dataDir);
    }

    /** A handle on an existing data directory. */
    public static PgCluster existing(PgBinaries bin, Path dataDir) {
        return new PgCluster(bin, ServerUser.current(), dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public PgBinaries binaries() {
        return bin;
    }

    public ServerUser user() {
        return user;
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("cluster " + dataDir + " is not running");
        }
        return port;
    }

    public Path walDir() {
        return dataDir.resolve("pg_wal");
    }

    /** How long an abandoned start may take to finish, and its server to stop. */
    private static final long ABANDONED_START_WAIT_SECONDS = 30;

    /**
     * Starts the server with the given settings (passed as -c options) on a free loopback port. Interrupted,
     * it stops whatever server the start brought up before it throws.
     */
    public void start(Map<String, String> settings) {
        port = freePort();
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        user.own(runDir);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("listen_addresses", "127.0.0.1");
        all.put("port", Integer.toString(port));
        all.put("unix_socket_directories", runDir.toString());
        all.putAll(settings);
        StringBuilder opts = new StringBuilder();
        all.forEach((k, v) -> opts.append(" -c ").append(k).append("=").append(quoteOption(v)));
        List<String> cmd = List.of(bin.tool("pg_ctl").toString(), "start", "-w", "-t", "120",
                "-D", dataDir.toString(), "-l", logFile().toString(),
                "-o", opts.toString().trim());
        long begun = System.currentTimeMillis() / 1000;
        CompletableFuture<ProcessResult> ctl = CompletableFuture.supplyAsync(
                () -> ProcessRunner.run(user.wrap(cmd), dataDir.getParent(), 180), Thread::startVirtualThread);
        try {
            // pg_ctl looks every 100 ms; a cold start is on every compute's wake path, so look more often.
            // pg_ctl still decides every failure: it exits non-zero when the server does not come up.
            while (!ctl.isDone()) {
                if (acceptsConnections(begun)) {
                    return; // pg_ctl sees the same at its next look and exits 0
                }
                Thread.sleep(5);
            }
            ctl.join().requireSuccess("pg_ctl start " + dataDir);
        } catch (PgRuntimeException e) {
            throw new PgRuntimeException(e.getMessage() + "\nserver log:\n" + serverLog(), e);
        } catch (InterruptedException e) {
            abandonStart(ctl);
            Thread.currentThread().interrupt();
            throw new PgRuntimeException("interrupted while starting " + dataDir, e);
        }
    }

    /**
     * A start the caller gave up on must not leave a server coming up behind its back (writing into a data
     * directory the caller is about to delete): let pg_ctl finish, then stop whatever it started.
     */
    private void abandonStart(CompletableFuture<ProcessResult> ctl) {
        try {
            ctl.get(ABANDONED_START_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception stillStartingOrFailed) {
            // stop below whatever is there by now
        }
        java.util.Optional<ProcessHandle> postmaster = postmaster();
        try {
            stop("immediate");
        } catch (RuntimeException e) {
            postmaster.ifPresent(ProcessHandle::destroyForcibly);
        }
        postmaster.ifPresent(p -> p.onExit().completeOnTimeout(p, ABANDONED_START_WAIT_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS).join());
        port = -1;
    }

    /**
     * What pg_ctl -w waits for: postmaster.pid written by a live postmaster started no earlier than
     * {@code begun} (epoch seconds; pg_ctl allows 2 s of clock skew) whose status line says it is ready.
     */
    private boolean acceptsConnections(long begun) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (IOException | UncheckedIOException e) {
            return false; // not written yet, or being rewritten
        }
        if (lines.size() < 8) {
            return false;
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            long started = Long.parseLong(lines.get(2).trim());
            String status = lines.get(7).trim();
            return started >= begun - 2 && (status.equals("ready") || status.equals("standby"))
                    && RunningProcess.isRunning(pid); // not the file of a server killed before
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Stops the server: mode is smart, fast or immediate. */
    public void stop(String mode) {
        if (port < 0) {
            return;
        }
        List<String> cmd = List.of(bin.tool("pg_ctl").toString(), "stop", "-w", "-t", "120", "-m", mode, "-D", dataDir.toString());
        ProcessRunner.run(user.wrap(cmd), dataDir.getParent(), 180).requireSuccess("pg_ctl stop " + dataDir);
        port = -1;
    }

    public boolean isRunning() {
        return port >= 0;
    }

    /** Runs SQL through psql and returns its unaligned, tuples-only output. */
    public String psql(String database, String sql) {
        List<String> cmd = List.of(bin.tool("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port()), "-U", "postgres", "-d", database, "-c", sql);
        return ProcessRunner.run(cmd, null, 600).requireSuccess("psql: " + abbreviate(sql)).stdout().strip();
    }

    public String psql(String sql) {
        return psql("postgres", sql);
    }

    /**
     * Runs SQL as the postgres role over the server's Unix socket, for servers whose TCP access needs
     * passwords: only the server's OS user (and root) can reach that socket.
     */
    public String psqlLocal(String sql) {
        List<String> cmd = List.of(bin.tool("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", runDir.toString(), "-p", Integer.toString(port()), "-U", "postgres", "-d", "postgres", "-c", sql);
        return ProcessRunner.run(cmd, null, 600).requireSuccess("psql: " + abbreviate(sql)).stdout().strip();
    }

    /** The postmaster's process, from postmaster.pid, while it runs. */
    public java.util.Optional<ProcessHandle> postmaster() {
        try {
            String first = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
            return RunningProcess.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Runs one of PostgreSQL's client tools as the server user and returns its result. */
    public ProcessResult tool(String name, List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.tool(name).toString());
        cmd.addAll(args);
        return ProcessRunner.run(user.wrap(cmd), dataDir.getParent(), timeoutSeconds);
    }

    public String serverLog() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    public Path logFile() {
        return runDir.resolve("postgres.log");
    }

    @Override
    public void close() {
        if (port >= 0) {
            try {
                stop("immediate");
            } catch (PgRuntimeException e) {
                port = -1;
            }
        }
    }

    private static String quoteOption(String v) {
        return v.matches("[A-Za-z0-9_./:,-]+") ? v : "'" + v.replace("'", "\\'") + "'";
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
