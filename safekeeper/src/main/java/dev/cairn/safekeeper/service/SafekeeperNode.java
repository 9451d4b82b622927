package dev.cairn.safekeeper.service;

import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.storage.TimelineStorage;
import dev.cairn.safekeeper.storage.WalChunkCipher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A safekeeper process's timelines under its data directory ({@code <data>/timelines/<tenant>/<timeline>}),
 * opened on first use or at start, reopened from disk after a fail-stop.
 */
public final class SafekeeperNode implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SafekeeperNode.class);
    private final long nodeId;
    private final Path dataDir;
    private final int segmentSize;
    private final Function<TimelineKey, WalChunkCipher> ciphers;
    private final Map<TimelineKey, TimelineAcceptor> timelines = new ConcurrentHashMap<>();
    private final SafekeeperMetrics metrics;

    public SafekeeperNode(long nodeId, Path dataDir, int segmentSize, Function<TimelineKey, WalChunkCipher> ciphers) {
        this(nodeId, dataDir, segmentSize, ciphers, SafekeeperMetrics.standalone());
    }

    /** @param metrics where this node counts (the process's registry) */
    public SafekeeperNode(long nodeId, Path dataDir, int segmentSize, Function<TimelineKey, WalChunkCipher> ciphers,
                          SafekeeperMetrics metrics) {
        this.metrics = metrics;
        metrics.countTimelines(timelines::size);
        this.nodeId = nodeId;
        this.dataDir = dataDir;
        this.segmentSize = segmentSize;
        this.ciphers = ciphers;
        for (TimelineKey k : stored()) {
            try {
                timeline(k);
            } catch (RuntimeException e) {
                // e.g. revoked keys: serve the other timelines; this one is retried on its next use
                LOG.warn("timeline {} not opened at start: {}", k, e.getMessage());
            }
        }
    }

    public long nodeId() {
        return nodeId;
    }

    public SafekeeperMetrics metrics() {
        return metrics;
    }

    public TimelineAcceptor timeline(TimelineKey key) {
        return timelines.compute(key, (k, existing) -> {
            if (existing != null && !existing.failed()) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new TimelineAcceptor(TimelineStorage.open(timelineDir(dataDir, k), k, segmentSize, ciphers.apply(k)), metrics);
        });
    }

    /** Where a timeline's state and WAL live under a safekeeper's data directory. */
    public static Path timelineDir(Path dataDir, TimelineKey key) {
        return dataDir.resolve("timelines").resolve(key.tenant().toString()).resolve(key.timeline().toString());
    }

    public List<TimelineAcceptor> timelines() {
        return new ArrayList<>(timelines.values());
    }

    private List<TimelineKey> stored() {
        Path root = dataDir.resolve("timelines");
        List<TimelineKey> keys = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return keys;
        }
        try (Stream<Path> tenants = Files.list(root)) {
            for (Path t : tenants.toList()) {
                try (Stream<Path> tls = Files.list(t)) {
                    for (Path l : tls.toList()) {
                        keys.add(new TimelineKey(Id128.parse(t.getFileName().toString()), Id128.parse(l.getFileName().toString())));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list timelines under " + root, e);
        }
        return keys;
    }

    @Override
    public void close() {
        timelines.values().forEach(TimelineAcceptor::close);
        timelines.clear();
    }
}
