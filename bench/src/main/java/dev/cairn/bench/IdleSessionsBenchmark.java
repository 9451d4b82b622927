package dev.cairn.bench;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What idle sessions cost a relay: N sessions that send nothing, held by a separate process through the
 * proxy (relayed in user space) and through the peer PgBouncer, and the relay process's CPU over a window
 * in which none of them sends a byte. A serverless proxy holds many such sessions.
 */
final class IdleSessionsBenchmark {

    private IdleSessionsBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int sessions = 1000;
        int seconds = 20;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--sessions")) {
                sessions = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            }
        }
        Duration window = Duration.ofSeconds(seconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "proxy-idle-sessions");
        result.put("time", Instant.now().toString());
        result.put("sessions", sessions);
        result.put("window_seconds", seconds);
        result.put("measure", "relay process CPU (user + system) over the window, as percent of one core;"
                + " the proxies run in this JVM, so its CPU with no sessions is given as the baseline");
        try (PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of())) {
            pg.start(Map.of("fsync", "off", "max_connections", Integer.toString(sessions + 20), "shared_buffers", "128MB"));
            ProcessHandle jvm = ProcessHandle.current();
            try (ProxyServer proxy = BenchProxy.start(pg.port(), sessions + 10, ProxyConfig.defaultEventLoops())) {
                result.put("proxy_jvm_no_sessions_cpu_percent", cpuPercent(jvm, window));
                result.put("proxy_userspace_cpu_percent", heldThrough(jvm, BenchProxy.jdbcUrl(proxy), sessions, window));
            }
            if (Pgbouncer.installed()) {
                try (Pgbouncer bouncer = Pgbouncer.start(scratch.resolve("pgbouncer"), pg.port(), sessions + 10)) {
                    String url = "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/postgres?sslmode=disable";
                    result.put("peer_pgbouncer_cpu_percent", heldThrough(bouncer.process(), url, sessions, window));
                }
            } else {
                result.put("peer_pgbouncer", "not installed (" + Pgbouncer.BINARY + "): apt-get install pgbouncer");
            }
        }
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        BenchResults.writeAndPrint(resultsDir, "proxy-idle-sessions.json", result);
    }

    /** Opens {@code sessions} idle sessions through {@code url} from a child process, then measures {@code relay}. */
    private static double heldThrough(ProcessHandle relay, String url, int sessions, Duration window) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process clients = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
                Integer.toString(sessions), url, BenchProxy.PASSWORD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.equals("open " + sessions)) {
                throw new IOException("idle clients did not open " + sessions + " sessions through " + url + ": " + line);
            }
            Thread.sleep(2000); // the last sessions' set-up settles
            return cpuPercent(relay, window);
        } finally {
            clients.getOutputStream().close(); // the clients close their sessions and exit
            if (!clients.waitFor(60, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
            Thread.sleep(2000); // the relay and the server wind the sessions down
        }
    }

    private static double cpuPercent(ProcessHandle process, Duration window) throws InterruptedException {
        Duration before = ProcessCpu.of(process);
        Thread.sleep(window.toMillis());
        return 100.0 * ProcessCpu.of(process).minus(before).toNanos() / window.toNanos();
    }
}
