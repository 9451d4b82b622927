package dev.cairn.cli.proxy;

import dev.cairn.cli.HostPort;
import dev.cairn.httpserver.HttpApiServer;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyMetrics;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.proxy.TlsPolicy;
import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.proxy.endpoint.ManagedEndpoints;
import dev.cairn.proxy.endpoint.ConnectionLimiter;
import dev.cairn.proxy.endpoint.EndpointCatalog;
import dev.cairn.proxy.endpoint.EndpointResolver;
import dev.cairn.proxy.endpoint.IdleSuspender;
import dev.cairn.proxy.endpoint.StaticEndpoints;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn proxy}: the PostgreSQL-protocol proxy in front of the endpoints' computes, until killed. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Run the PostgreSQL-protocol proxy: TLS, endpoint routing (TLS server name",
                "<endpoint>.<host> or options=endpoint=<name>), SCRAM-SHA-256 against per-endpoint",
                "role secrets, cancel forwarding and per-endpoint connection limits."},
        footerHeading = "%nEndpoints file (static backends until the compute agent wakes them):%n",
        footer = {"  {\"endpoints\": [{\"name\": \"main\", \"backend\": \"127.0.0.1:5432\",",
                "    \"maxConnections\": 100,",
                "    \"roles\": {\"app\": \"SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>\"}}]}",
                "The same verifier must be the role's password on the compute (ALTER ROLE app PASSWORD",
                "'SCRAM-SHA-256$...'), or the compute must trust the proxy."})
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = "--listen", defaultValue = "127.0.0.1:6432", description = "HOST:PORT to accept clients on (port 0: any free port; default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--metrics-listen", description = "HOST:PORT to serve Prometheus metrics on (GET /metrics); default: none.")
    String metricsListen;

    @Option(names = "--endpoints", description = "JSON file naming each endpoint, its backend HOST:PORT, limit and role verifiers (static backends).")
    Path endpoints;

    @Option(names = "--compute-manager", description = "Compute manager API URL: endpoints, role verifiers and wake-on-connect come from it.")
    java.net.URI computeManager;

    @Option(names = "--idle-suspend", defaultValue = "300", description = "With --compute-manager: seconds without connections before an endpoint is suspended; 0 never (default ${DEFAULT-VALUE}).")
    long idleSuspendSeconds;

    @Option(names = "--tls-cert", description = "PEM certificate chain. Without --tls-cert/--tls-key a self-signed certificate is generated (local mode).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM PKCS#8 private key for --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-host", defaultValue = "localhost", description = "Host name for the generated certificate; *.<host> is included for SNI routing (default ${DEFAULT-VALUE}).")
    String tlsHost;

    @Option(names = "--allow-plaintext", description = "Accept clients that do not ask for TLS (otherwise refused with SQLSTATE 28000).")
    boolean allowPlaintext;

    @Option(names = "--wake-timeout", defaultValue = "60", description = "Seconds a client waits for its endpoint's compute to start (default ${DEFAULT-VALUE}).")
    long wakeTimeoutSeconds;

    @Option(names = "--event-loops", description = "Threads relaying sessions (default: one per core, which relayed more than one loop on 2 shared cores).")
    Integer eventLoops;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            err.println("cairn proxy: --listen must be HOST:PORT, got " + listen);
            return 2;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            err.println("cairn proxy: --tls-cert and --tls-key go together");
            return 2;
        }
        if (eventLoops != null && eventLoops < 1) {
            err.println("cairn proxy: --event-loops must be at least 1, got " + eventLoops);
            return 2;
        }
        InetSocketAddress metricsAddress;
        try {
            metricsAddress = metricsListen == null ? null : HostPort.parse(metricsListen, "--metrics-listen");
        } catch (IllegalArgumentException e) {
            err.println("cairn proxy: " + e.getMessage());
            return 2;
        }
        if ((endpoints == null) == (computeManager == null)) {
            err.println("cairn proxy: give exactly one of --endpoints FILE and --compute-manager URL");
            return 2;
        }
        EndpointCatalog catalog;
        EndpointResolver resolver;
        ConnectionLimiter limiter = new ConnectionLimiter();
        if (endpoints != null) {
            try {
                StaticEndpoints file = StaticEndpoints.read(endpoints);
                catalog = file;
                resolver = file;
            } catch (Exception e) {
                err.println("cairn proxy: cannot read endpoints file " + endpoints + ": " + e.getMessage());
                return 2;
            }
        } else {
            ManagedEndpoints managed = new ManagedEndpoints(new ComputeManagerClient(computeManager),
                    Duration.ofSeconds(wakeTimeoutSeconds));
            catalog = managed;
            resolver = managed;
            if (idleSuspendSeconds > 0) {
                ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                        r -> Thread.ofPlatform().daemon().name("idle-suspend").unstarted(r));
                IdleSuspender idle = new IdleSuspender(Duration.ofSeconds(idleSuspendSeconds), timer, managed);
                limiter = new ConnectionLimiter(idle);
                idle.countingWith(limiter::active);
            }
        }
        SslContext tls = tlsCert != null
                ? TlsContexts.fromPem(tlsCert, tlsKey)
                : TlsContexts.of(SelfSignedCertificate.generate(List.of(tlsHost, "*." + tlsHost), Duration.ofDays(365)));
        InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        ProxyConfig config = ProxyConfig.defaults(address, tls, allowPlaintext ? TlsPolicy.ALLOW : TlsPolicy.REQUIRE)
                .withWakeTimeout(Duration.ofSeconds(wakeTimeoutSeconds))
                .withEventLoops(eventLoops != null ? eventLoops : ProxyConfig.defaultEventLoops());
        ServiceMetrics metrics = ServiceMetrics.create("proxy").withJvmMetrics();
        ProxyServer server = new ProxyServer(config, catalog, resolver, limiter, new ProxyMetrics(metrics)).start();
        HttpApiServer metricsServer = metricsAddress == null ? null : HttpApiServer.metricsOnly(metricsAddress, metrics::scrape);
        Thread hook = new Thread(() -> {
            if (metricsServer != null) {
                metricsServer.close();
            }
            server.close();
        }, "proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("proxy listening on " + address.getHostString() + ":" + server.address().getPort()
                + " (" + server.transportName()
                + (tlsCert == null ? ", self-signed certificate for " + tlsHost : "") + ")"
                + (metricsServer == null ? "" : ", metrics on " + metricsAddress.getHostString() + ":" + metricsServer.port()));
        out.flush();
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (metricsServer != null) {
                metricsServer.close();
            }
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
        }
        return 0;
    }
}
