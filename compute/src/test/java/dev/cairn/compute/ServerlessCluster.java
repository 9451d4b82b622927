package dev.cairn.compute;

import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointDefinition;
import dev.cairn.proxy.endpoint.ManagedEndpoints;

import dev.cairn.kms.CmkNaming;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.http.PageserverHttpApi;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.proxy.TlsPolicy;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.proxy.tls.SelfSignedCertificate;
import dev.cairn.proxy.tls.TlsContexts;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.grpc.LocalSafekeepers;
import dev.cairn.safekeeper.storage.KmsChunkCipher;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A serverless cluster inside one JVM with every real part: 3 gRPC safekeepers, the pageserver service, the
 * compute manager running stock PostgreSQL 15 computes, and the proxy (TLS, SCRAM) in front; every service
 * seals under its own key hierarchy, all wrapping under the tenant's CMK in one local KMS ({@code kms.json}
 * in {@code dir}). One endpoint, {@code main}, whose role {@code postgres} logs in with {@code password}.
 */
final class ServerlessCluster implements AutoCloseable {
    static final Duration KEY_CHECK = Duration.ofSeconds(1);

    final Path dir;
    final Path computeStates;
    final LocalSafekeepers safekeepers;
    final PageserverClient pageserver;
    final ComputeManager manager;
    final ComputeManagerClient managerClient;
    final ProxyServer proxy;
    final TimelineKey timeline;
    private final List<AutoCloseable> closeables;
    private final ServiceKeys pageserverKeys;
    private PageserverNode pageserverNode;
    private PageserverHttpApi pageserverApi;

    private ServerlessCluster(Path dir, Path computeStates, LocalSafekeepers safekeepers, PageserverClient pageserver,
                              ComputeManager manager, ComputeManagerClient managerClient, ProxyServer proxy,
                              TimelineKey timeline, List<AutoCloseable> closeables, ServiceKeys pageserverKeys,
                              PageserverNode pageserverNode, PageserverHttpApi pageserverApi) {
        this.dir = dir;
        this.computeStates = computeStates;
        this.safekeepers = safekeepers;
        this.pageserver = pageserver;
        this.manager = manager;
        this.managerClient = managerClient;
        this.proxy = proxy;
        this.timeline = timeline;
        this.closeables = closeables;
        this.pageserverKeys = pageserverKeys;
        this.pageserverNode = pageserverNode;
        this.pageserverApi = pageserverApi;
    }

    /** @param computeSettings the operator's extra postgres settings for every compute */
    static ServerlessCluster start(Path dir, String password, Map<String, String> computeSettings) throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            // closed last, after the compute manager has stopped the postgres processes in it
            ScratchDirectory states = ScratchDirectory.create("cairn-computes-");
            closeables.add(states);
            LocalSafekeepers safekeepers = new LocalSafekeepers(dir.resolve("sk"), 3, 16 << 20, i -> {
                ServiceKeys keys = serviceKeys(dir, dir.resolve("sk-keys-" + i), closeables);
                return tl -> new KmsChunkCipher(keys.hierarchy(), keys.ensureTenant(tl.tenant()));
            });
            closeables.add(safekeepers);
            safekeepers.startAll();
            List<String> addresses = safekeepers.addresses().stream().map(a -> a.host() + ":" + a.port()).toList();
            ServiceKeys pageserverKeys = serviceKeys(dir, dir.resolve("ps"), closeables);
            PageserverNode node = openPageserver(dir, addresses, Set.of(), pageserverKeys);
            closeables.add(node);
            PageserverHttpApi psApi = PageserverHttpApi.start(node, new InetSocketAddress("127.0.0.1", 0));
            closeables.add(psApi);
            PageserverClient pageserver = new PageserverClient(URI.create("http://127.0.0.1:" + psApi.port()));
            TimelineKey timeline = new TimelineKey(Id128.random(), Id128.random());
            pageserver.createTimeline(timeline);

            ComputeManager manager = new ComputeManager(new ComputeManager.Config(dir.resolve("cm"),
                    safekeepers.addresses(), pageserver.base(), PgBinaries.locate(), "127.0.0.1", states.path(),
                    ComputeSpec.DEFAULT_MAX_INGEST_LAG_BYTES, computeSettings, true),
                    serviceKeys(dir, dir.resolve("cm"), closeables));
            closeables.add(manager);
            ComputeManagerHttpApi cmApi = ComputeManagerHttpApi.start(manager, new InetSocketAddress("127.0.0.1", 0));
            closeables.add(cmApi);
            ComputeManagerClient managerClient = new ComputeManagerClient(URI.create("http://127.0.0.1:" + cmApi.port()));
            managerClient.put(new EndpointDefinition("main", timeline.tenant().toString(), timeline.timeline().toString(),
                    Map.of("postgres", ScramVerifier.fromPassword(password, 4096).encode()), 20));

            ManagedEndpoints endpoints = new ManagedEndpoints(managerClient, Duration.ofSeconds(90));
            var tls = TlsContexts.of(SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1)));
            ProxyServer proxy = new ProxyServer(ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", 0), tls,
                    TlsPolicy.REQUIRE).withWakeTimeout(Duration.ofSeconds(90)), endpoints, endpoints).start();
            closeables.add(proxy);
            return new ServerlessCluster(dir, states.path(), safekeepers, pageserver, manager, managerClient, proxy,
                    timeline, closeables, pageserverKeys, node, psApi);
        } catch (Exception | Error e) {
            closeAll(closeables);
            throw e;
        }
    }

    private static PageserverNode openPageserver(Path dir, List<String> safekeepers, Set<Integer> ignoredCustomRmgrs,
                                                 ServiceKeys keys) {
        PageserverNode.Config defaults = new PageserverNode.Config(dir.resolve("ps"), safekeepers, PgBinaries.locate(),
                Duration.ofSeconds(60), "test");
        return PageserverNode.open(new PageserverNode.Config(defaults.dataDir(), defaults.safekeepers(),
                defaults.pgBinaries(), defaults.readTimeout(), defaults.nodeId(), defaults.retention(),
                defaults.gcInterval(), defaults.blockCacheMib(), ignoredCustomRmgrs, true),
                new KmsValueCipher(keys));
    }

    /**
     * Stops the pageserver and starts it again on its data directory and port, as an operator restarts a
     * fixed or reconfigured one.
     */
    void restartPageserver(Set<Integer> ignoredCustomRmgrs) throws Exception {
        int port = pageserverApi.port();
        int apiAt = closeables.indexOf(pageserverApi);
        int nodeAt = closeables.indexOf(pageserverNode);
        pageserverApi.close();
        pageserverNode.close();
        List<String> addresses = safekeepers.addresses().stream().map(a -> a.host() + ":" + a.port()).toList();
        pageserverNode = openPageserver(dir, addresses, ignoredCustomRmgrs, pageserverKeys);
        closeables.set(nodeAt, pageserverNode);
        pageserverApi = PageserverHttpApi.start(pageserverNode, new InetSocketAddress("127.0.0.1", port));
        closeables.set(apiAt, pageserverApi);
    }

    private static ServiceKeys serviceKeys(Path dir, Path dataDir, List<AutoCloseable> closeables) {
        ServiceKeys keys = ServiceKeys.open(KeyHierarchyConfig.builder(dataDir)
                .providers(StandardProviders.create(new LocalKmsProvider(dir.resolve("kms.json"), true, InstantSource.system())))
                .revokedProbeInterval(KEY_CHECK).caller("test").build(), CmkNaming.LOCAL_DEFAULT, KEY_CHECK);
        closeables.add(keys);
        return keys;
    }

    /** Closes {@code c} with the cluster, before the parts started earlier. */
    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    /** A session through the proxy with TLS and SCRAM, to {@code endpoint} chosen by the options parameter. */
    Connection connect(String endpoint, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("options", "endpoint=" + endpoint);
        p.setProperty("connectTimeout", "120");
        p.setProperty("loginTimeout", "120");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.address().getPort() + "/postgres", p);
    }

    @Override
    public void close() throws Exception {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }
}
