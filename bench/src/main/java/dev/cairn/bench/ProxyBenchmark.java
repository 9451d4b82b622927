package dev.cairn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.proxy.TlsPolicy;
import dev.cairn.proxy.auth.ScramVerifier;
import dev.cairn.proxy.endpoint.BackendAddress;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.StaticEndpoints;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proxy overhead: pgbench select-only straight to stock PostgreSQL, through
 * the proxy (plaintext, and TLS from the client), and through the peer PgBouncer
 * (session mode, the same two ways) in the same run; reports the TPS ratios. Not pinned to one core: pgbench, postgres and the proxy share the
 * machine's cores, as they would on one small host.
 */
final class ProxyBenchmark {
    private static final String PASSWORD = "bench-secret";
    private static final List<String> WARM_UP = select(3);

    /** The workload: pgbench select-only, 4 clients, for {@code seconds}. */
    private static List<String> select(int seconds) {
        return List.of("-n", "-S", "-c", "4", "-j", "2", "-T", Integer.toString(seconds));
    }

    private ProxyBenchmark() {
    }

    static void run(Path resultsDir, String[] args) throws Exception {
        int seconds = 10;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            }
        }
        Path scratch = PgCluster.scratchDirectory("cairn-bench-proxy");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "proxy-overhead");
        result.put("time", Instant.now().toString());
        result.put("workload", "pgbench -S -c 4 -j 2 -T " + seconds + ", scale 10");
        try (PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of())) {
            pg.start(Map.of("fsync", "off", "max_connections", "50"));
            String direct = "host=127.0.0.1 port=" + pg.port() + " dbname=postgres user=postgres";
            Pgbench.run(pg.binaries(), List.of("-i", "-q", "-s", "10"), direct);

            EndpointConfig endpoint = new EndpointConfig("bench", 100,
                    Map.of("postgres", ScramVerifier.fromPassword(PASSWORD, ScramVerifier.DEFAULT_ITERATIONS)));
            StaticEndpoints catalog = new StaticEndpoints(Map.of("bench", endpoint),
                    Map.of("bench", new BackendAddress("127.0.0.1", pg.port())));
            ProxyConfig config = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0),
                    TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost", "*.localhost"), Duration.ofDays(1))),
                    TlsPolicy.ALLOW);
            ProxyServer proxy = new ProxyServer(config, catalog, catalog).start();
            try {
                String via = "host=127.0.0.1 port=" + proxy.address().getPort() + " dbname=postgres user=postgres"
                        + " password=" + PASSWORD + " options=endpoint=bench";
                List<String> run = select(seconds);
                Pgbench.run(pg.binaries(), WARM_UP, direct); // warm-up
                Pgbench.run(pg.binaries(), WARM_UP, via + " sslmode=disable");
                result.put("transport", proxy.transportName());
                result.put("tls_provider", TlsContexts.provider().name());
                result.put("goal_ratio", 0.9);
                // every process on both cores: the relay takes its CPU from pgbench and PostgreSQL
                result.putAll(measure(pg, run, direct, via, scratch, null, null, ""));
                // the database (pgbench + PostgreSQL) on core 0, the relay (this JVM's proxy, or PgBouncer) on
                // core 1: a proxy tier runs on machines of its own, so this is the overhead a deployment sees
                CorePinning.pin(ProcessHandle.current(), "1");
                CorePinning.pin(pg.postmaster().orElseThrow(), "0");
                try {
                    result.putAll(measure(pg, run, direct, via, scratch, "0", "1", "split_"));
                } finally {
                    CorePinning.pin(ProcessHandle.current(), "0-1");
                    CorePinning.pin(pg.postmaster().orElseThrow(), "0-1");
                }
            } finally {
                proxy.close();
            }
        }
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        Files.createDirectories(resultsDir);
        Path out = resultsDir.resolve("proxy-overhead.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        System.out.println("-> " + out);
    }

    /**
     * Direct, through the proxy (plaintext and TLS) and through PgBouncer, with pgbench on {@code dbCores}
     * and PgBouncer on {@code relayCores} (null: anywhere); keys carry {@code prefix}.
     */
    private static Map<String, Object> measure(PgCluster pg, List<String> run, String direct, String via, Path scratch,
                                               String dbCores, String relayCores, String prefix) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        double directTps = Pgbench.tps(Pgbench.run(pg.binaries(), run, direct + " sslmode=disable", dbCores));
        double proxyTps = Pgbench.tps(Pgbench.run(pg.binaries(), run, via + " sslmode=disable", dbCores));
        double proxyTlsTps = Pgbench.tps(Pgbench.run(pg.binaries(), run, via + " sslmode=require", dbCores));
        r.put(prefix + "direct_tps", directTps);
        r.put(prefix + "proxy_plaintext_tps", proxyTps);
        r.put(prefix + "proxy_tls_tps", proxyTlsTps);
        r.put(prefix + "ratio_proxy_over_direct", proxyTps / directTps);
        r.put(prefix + "ratio_proxy_tls_over_direct", proxyTlsTps / directTps);
        if (!Pgbouncer.installed()) {
            r.put(prefix + "peer_pgbouncer", "not installed (" + Pgbouncer.BINARY + "): apt-get install pgbouncer");
            return r;
        }
        // the peer: the same relaying and TLS termination by PgBouncer, in the same run
        try (Pgbouncer bouncer = Pgbouncer.start(scratch.resolve(prefix + "pgbouncer"), pg.port())) {
            if (relayCores != null) {
                CorePinning.pin(bouncer.process(), relayCores);
            }
            String viaBouncer = "host=127.0.0.1 port=" + bouncer.port() + " dbname=postgres user=postgres";
            Pgbench.run(pg.binaries(), WARM_UP, viaBouncer + " sslmode=disable", dbCores);
            double bouncerTps = Pgbench.tps(Pgbench.run(pg.binaries(), run, viaBouncer + " sslmode=disable", dbCores));
            double bouncerTlsTps = Pgbench.tps(Pgbench.run(pg.binaries(), run, viaBouncer + " sslmode=require", dbCores));
            r.put(prefix + "peer_pgbouncer_tps", bouncerTps);
            r.put(prefix + "peer_pgbouncer_tls_tps", bouncerTlsTps);
            r.put(prefix + "ratio_pgbouncer_over_direct", bouncerTps / directTps);
            r.put(prefix + "ratio_pgbouncer_tls_over_direct", bouncerTlsTps / directTps);
            r.put(prefix + "ratio_proxy_over_pgbouncer", proxyTps / bouncerTps);
            r.put(prefix + "ratio_proxy_tls_over_pgbouncer_tls", proxyTlsTps / bouncerTlsTps);
        }
        return r;
    }
}
