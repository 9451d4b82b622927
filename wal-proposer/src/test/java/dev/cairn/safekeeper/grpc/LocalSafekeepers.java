package dev.cairn.safekeeper.grpc;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.AcceptorAddress;
import dev.cairn.proposer.ProposerDriver;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.AesGcmChunkCipher;
import dev.cairn.safekeeper.storage.WalChunkCipher;
import dev.cairn.safekeeper.storage.TimelineStorage;
import dev.cairn.safekeeper.storage.WalStore;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Safekeeper gRPC servers on 127.0.0.1 inside the test JVM, each restartable
 * on its own data directory and port (a restart keeps what it had on disk),
 * all sealing WAL under one test key.
 */
public final class LocalSafekeepers implements AutoCloseable {
    private final Path dir;
    private final int segmentSize;
    private final IntFunction<Function<TimelineKey, WalChunkCipher>> ciphers;
    private final SafekeeperServer[] servers;
    private final int[] ports;

    /** Safekeepers sealing WAL under one random test key. */
    public LocalSafekeepers(Path dir, int count, int segmentSize) {
        this(dir, count, segmentSize, sharedKey(AesGcmChunkCipher.randomKey()));
    }

    /**
     * @param ciphers per safekeeper index, how its timelines seal WAL (e.g. each under its own key hierarchy)
     */
    public LocalSafekeepers(Path dir, int count, int segmentSize, IntFunction<Function<TimelineKey, WalChunkCipher>> ciphers) {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.ciphers = ciphers;
        this.servers = new SafekeeperServer[count];
        this.ports = new int[count];
    }

    private static IntFunction<Function<TimelineKey, WalChunkCipher>> sharedKey(byte[] key) {
        return i -> timeline -> new AesGcmChunkCipher(key);
    }

    public void startAll() {
        for (int i = 0; i < servers.length; i++) {
            start(i);
        }
    }

    /** Starts safekeeper {@code i} (id i+1), on the port it had before if it ran already. */
    public void start(int i) {
        SafekeeperNode node = new SafekeeperNode(i + 1, dataDir(i), segmentSize, ciphers.apply(i));
        servers[i] = SafekeeperServer.start(node, new InetSocketAddress("127.0.0.1", ports[i]));
        ports[i] = servers[i].port();
    }

    public void stop(int i) {
        servers[i].close();
        servers[i] = null;
    }

    public boolean isRunning(int i) {
        return servers[i] != null;
    }

    public int port(int i) {
        return ports[i];
    }

    public Path dataDir(int i) {
        return dir.resolve("sk" + i);
    }

    public List<AcceptorAddress> addresses() {
        List<AcceptorAddress> a = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            a.add(new AcceptorAddress(i, "127.0.0.1", ports[i]));
        }
        return a;
    }

    /** A started proposer for the timeline, talking to all of them; the caller closes it. */
    public ProposerDriver proposer(TimelineKey timeline, String name, Lsn timelineStart) {
        ProposerDriver p = new ProposerDriver(timeline, name, addresses(), timelineStart);
        p.start();
        return p;
    }

    /** Opens safekeeper {@code i}'s stored WAL of a timeline (stop it first). */
    public WalStore openWal(int i, TimelineKey timeline) {
        return WalStore.open(TimelineStorage.walDir(SafekeeperNode.timelineDir(dataDir(i), timeline)), timeline, segmentSize, ciphers.apply(i).apply(timeline));
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                stop(i);
            }
        }
    }
}
