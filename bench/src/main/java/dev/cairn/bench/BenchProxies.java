package dev.cairn.bench;

import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.proxy.TlsPolicy;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.endpoint.StaticEndpoints;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The two proxies the proxy benchmarks compare, in this JVM, in front of one running PostgreSQL: one as it
 * runs by default (plaintext sessions spliced in the kernel where it can) and one that relays every session
 * in user space, as it must for TLS and does without CAP_BPF. Endpoint "bench", role postgres.
 */
record BenchProxies(ProxyServer spliced, ProxyServer userSpace) implements AutoCloseable {
    static final String PASSWORD = "bench-secret";
    private static final String ENDPOINT = "bench";

    static BenchProxies start(int postgresPort, int maxConnections, int eventLoops) throws InterruptedException {
        EndpointConfig endpoint = new EndpointConfig(ENDPOINT, maxConnections,
                Map.of("postgres", ScramVerifier.fromPassword(PASSWORD, ScramVerifier.DEFAULT_ITERATIONS)));
        StaticEndpoints catalog = new StaticEndpoints(Map.of(ENDPOINT, endpoint),
                Map.of(ENDPOINT, new BackendAddress("127.0.0.1", postgresPort)));
        ProxyConfig config = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost", "*.localhost"), Duration.ofDays(1))),
                TlsPolicy.ALLOW).withEventLoops(eventLoops);
        ProxyServer spliced = new ProxyServer(config.withKernelSplice(true), catalog, catalog).start();
        try {
            return new BenchProxies(spliced, new ProxyServer(config.withKernelSplice(false), catalog, catalog).start());
        } catch (RuntimeException | InterruptedException e) {
            spliced.close();
            throw e;
        }
    }

    /** libpq connection string for the benchmark endpoint through {@code proxy}, without sslmode. */
    static String conninfo(ProxyServer proxy) {
        return "host=127.0.0.1 port=" + proxy.address().getPort() + " dbname=postgres user=postgres"
                + " password=" + PASSWORD + " options=endpoint=" + ENDPOINT;
    }

    /** pgjdbc URL for the benchmark endpoint through {@code proxy}, plaintext. */
    static String jdbcUrl(ProxyServer proxy) {
        return "jdbc:postgresql://127.0.0.1:" + proxy.address().getPort()
                + "/postgres?sslmode=disable&options=endpoint%3D" + ENDPOINT;
    }

    @Override
    public void close() {
        try {
            spliced.close();
        } finally {
            userSpace.close();
        }
    }
}
