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
 * The proxy the proxy benchmarks measure, in this JVM, in front of one running PostgreSQL, as it runs by
 * default (every session relayed in user space; TLS offered, plaintext allowed). Endpoint "bench", role postgres.
 */
final class BenchProxy {
    static final String PASSWORD = "bench-secret";
    private static final String ENDPOINT = "bench";

    private BenchProxy() {
    }

    static ProxyServer start(int postgresPort, int maxConnections, int eventLoops) throws InterruptedException {
        EndpointConfig endpoint = new EndpointConfig(ENDPOINT, maxConnections,
                Map.of("postgres", ScramVerifier.fromPassword(PASSWORD, ScramVerifier.DEFAULT_ITERATIONS)));
        StaticEndpoints catalog = new StaticEndpoints(Map.of(ENDPOINT, endpoint),
                Map.of(ENDPOINT, new BackendAddress("127.0.0.1", postgresPort)));
        ProxyConfig config = ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost", "*.localhost"), Duration.ofDays(1))),
                TlsPolicy.ALLOW).withEventLoops(eventLoops);
        return new ProxyServer(config, catalog, catalog).start();
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
}
