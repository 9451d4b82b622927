package dev.cairn.bench;

import dev.cairn.compute.ComputeManager;
import dev.cairn.compute.api.EndpointDefinition;
import dev.cairn.kms.CmkNaming;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.pageserver.http.PageserverHttpApi;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.grpc.SafekeeperServer;
import dev.cairn.safekeeper.client.AcceptorAddress;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.AesGcmChunkCipher;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole Cairn cluster inside the benchmark's JVM: 3 gRPC safekeepers, the pageserver with its API, and
 * a compute manager with one endpoint whose computes are stock postgres processes.
 */
final class InJvmCluster implements AutoCloseable {
    static final String ENDPOINT = "bench";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    final ComputeManager manager;
    final PageserverNode pageserver;
    final TimelineKey timeline;

    InJvmCluster(Path scratch, PgBinaries pgBin, String password) throws Exception {
        List<AcceptorAddress> safekeepers = new ArrayList<>();
        byte[] walKey = AesGcmChunkCipher.randomKey();
        for (int id = 1; id <= 3; id++) {
            SafekeeperNode node = new SafekeeperNode(id, scratch.resolve("sk" + id), 16 << 20,
                    tl -> new AesGcmChunkCipher(walKey));
            SafekeeperServer server = SafekeeperServer.start(node, new InetSocketAddress("127.0.0.1", 0));
            closeables.add(server::close);
            safekeepers.add(new AcceptorAddress(id, "127.0.0.1", server.port()));
        }
        pageserver = PageserverNode.open(new PageserverNode.Config(scratch.resolve("ps"),
                safekeepers.stream().map(a -> a.host() + ":" + a.port()).toList(), pgBin, Duration.ofSeconds(120),
                "bench"), AesGcmValueCipher.random(1));
        closeables.add(pageserver);
        PageserverHttpApi api = PageserverHttpApi.start(pageserver, new InetSocketAddress("127.0.0.1", 0));
        closeables.add(api);
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        timeline = key;
        pageserver.create(key);
        manager = new ComputeManager(new ComputeManager.Config(scratch.resolve("cm"), safekeepers,
                URI.create("http://127.0.0.1:" + api.port()), pgBin, "127.0.0.1",
                scratch.resolve("computes")), managerKeys(scratch.resolve("cm")));
        closeables.add(manager);
        manager.put(new EndpointDefinition(ENDPOINT, key.tenant().toString(), key.timeline().toString(),
                Map.of("postgres", ScramVerifier.fromPassword(password, 4096).encode()), 50));
    }

    /** The pageserver's ingested end of the timeline. */
    dev.cairn.common.Lsn ingested() {
        return pageserver.timeline(timeline).ingest().position().end();
    }

    private ServiceKeys managerKeys(Path dataDir) {
        ServiceKeys keys = ServiceKeys.open(KeyHierarchyConfig.builder(dataDir).caller("bench").build(),
                CmkNaming.LOCAL_DEFAULT, Duration.ofSeconds(30));
        closeables.add(keys);
        return keys;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }
}
