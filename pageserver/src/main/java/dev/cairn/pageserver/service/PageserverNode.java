package dev.cairn.pageserver.service;

import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.pageserver.branch.TimelineBranch;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.ingest.IngestOptions;
import dev.cairn.pageserver.gc.GcResult;
import dev.cairn.pageserver.gc.RetentionPolicy;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.importer.StockRecovery;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.SafekeeperWalSource;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.api.Ancestry;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.crypto.ValueCipher;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pageserver: one encrypted page store in its data directory, the timelines it serves (each ingesting
 * from the safekeepers), and timeline creation from a fresh initdb.
 */
public final class PageserverNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageserverNode.class);
    /** Under the data directory: private copies of basebackups while branches are made (none survive a restart). */
    private static final String BRANCH_WORK_DIR = "branching";

    /**
     * @param safekeepers  HOST:PORT of each safekeeper; empty for a pageserver that only serves imports
     * @param readTimeout  how long reads and basebackups wait for ingest by default
     */
    /**
     * @param retention     how much WAL history each timeline keeps for point-in-time reads (the PITR window)
     * @param gcInterval    how often GC moves every timeline's horizon up to its window (zero: never)
     * @param blockCacheMib RocksDB block cache, shared by all timelines
     * @param ignoredCustomRmgrs custom resource managers (ids 128-255) whose records the operator knows change
     *                      nothing the pageserver stores: ingest passes them by instead of stopping there
     * @param verifyRedo    verify mode: a block that carries PostgreSQL's wal_consistency_checking image is redone
     *                      in Java too and compared with it (IngestOptions)
     */
    public record Config(Path dataDir, List<String> safekeepers, PgBinaries pgBinaries, Duration readTimeout,
                         String nodeId, RetentionPolicy retention, Duration gcInterval, long blockCacheMib,
                         Set<Integer> ignoredCustomRmgrs, boolean verifyRedo) {
        /** 1 GiB of WAL history, GC every 5 minutes, a 64 MiB block cache. */
        public static final RetentionPolicy DEFAULT_RETENTION = new RetentionPolicy(1L << 30);
        public static final Duration DEFAULT_GC_INTERVAL = Duration.ofMinutes(5);
        public static final long DEFAULT_BLOCK_CACHE_MIB = 64;

        public Config {
            safekeepers = List.copyOf(safekeepers);
            if (gcInterval.isNegative()) {
                throw new IllegalArgumentException("GC interval must not be negative: " + gcInterval);
            }
            if (blockCacheMib < 1) {
                throw new IllegalArgumentException("block cache must be at least 1 MiB, got " + blockCacheMib);
            }
            ignoredCustomRmgrs = Set.copyOf(ignoredCustomRmgrs);
            for (int id : ignoredCustomRmgrs) {
                if (id < RmgrId.MIN_CUSTOM_ID || id > 255) {
                    throw new IllegalArgumentException("custom resource manager ids are 128 to 255, got " + id);
                }
            }
        }

        public Config(Path dataDir, List<String> safekeepers, PgBinaries pgBinaries, Duration readTimeout,
                      String nodeId, RetentionPolicy retention, Duration gcInterval, long blockCacheMib) {
            this(dataDir, safekeepers, pgBinaries, readTimeout, nodeId, retention, gcInterval, blockCacheMib, Set.of(),
                    false);
        }

        public Config(Path dataDir, List<String> safekeepers, PgBinaries pgBinaries, Duration readTimeout, String nodeId) {
            this(dataDir, safekeepers, pgBinaries, readTimeout, nodeId, DEFAULT_RETENTION, DEFAULT_GC_INTERVAL,
                    DEFAULT_BLOCK_CACHE_MIB, Set.of(), true);
        }
    }

    private final Config config;
    private final PageStore store;
    private final TimelineRegistry registry;
    private final Map<TimelineKey, ServedTimeline> timelines = new ConcurrentHashMap<>();
    /** Registered timelines that could not be opened yet, with why. */
    private final Map<TimelineKey, String> unopened = new ConcurrentHashMap<>();
    private final ScheduledExecutorService gc = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("pageserver-gc").daemon().unstarted(r));
    private final PageserverMetrics metrics;

    private PageserverNode(Config config, PageStore store, PageserverMetrics metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        metrics.follow(this::list);
        this.registry = new TimelineRegistry(config.dataDir().resolve("timelines.json"));
    }

    public static PageserverNode open(Config config, ValueCipher cipher) {
        return open(config, cipher, PageserverMetrics.standalone());
    }

    /** @param metrics where the node counts; its per-timeline gauges follow this node's timelines */
    public static PageserverNode open(Config config, ValueCipher cipher, PageserverMetrics metrics) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pageserver data directory " + config.dataDir(), e);
        }
        removeLeftoverBranchCopies(config.dataDir().resolve(BRANCH_WORK_DIR));
        PageserverNode node = new PageserverNode(config, PageStore.open(config.dataDir().resolve("store"), cipher,
                config.blockCacheMib() << 20), metrics);
        for (TimelineKey key : node.registry.load()) {
            try {
                node.serve(key);
            } catch (RuntimeException e) {
                // e.g. the tenant's keys are revoked: serve the others, retry this one when it is asked for
                node.unopened.put(key, e.getMessage());
                LOG.warn("timeline {} not opened at start (retried on use): {}", key, e.getMessage());
            }
        }
        if (!config.gcInterval().isZero()) {
            long ms = config.gcInterval().toMillis();
            node.gc.scheduleWithFixedDelay(node::collectGarbage, ms, ms, TimeUnit.MILLISECONDS);
        }
        return node;
    }

    /**
     * One GC pass: every served timeline's horizon moves up to its retention window (never past a read in
     * progress) and the versions it supersedes are dropped; RocksDB's compaction then gives the space back.
     */
    public void collectGarbage() {
        GarbageCollector collector = new GarbageCollector(store);
        for (ServedTimeline tl : timelines.values()) {
            try {
                Lsn horizon = config.retention().horizon(tl.ingest().position().end());
                GcResult r = tl.pages().collectGarbage(collector, horizon);
                if (r.versionsDropped() > 0) {
                    LOG.info("timeline {}: GC horizon {}, {} versions dropped", tl.key(), r.horizon(), r.versionsDropped());
                }
            } catch (RuntimeException e) {
                LOG.warn("timeline {}: GC failed: {}", tl.key(), e.getMessage());
            }
        }
    }

    public PageserverMetrics metrics() {
        return metrics;
    }

    public PageStore store() {
        return store;
    }

    /** Creates a timeline from a fresh initdb (run as the server user) and starts ingesting its WAL. */
    public TimelineInfo create(TimelineKey key) {
        return create(key, null);
    }

    /**
     * Creates a timeline and starts ingesting its WAL: from a fresh initdb, or, with {@code importFrom}, from
     * a copy of an existing cluster's data directory on this machine ({@code pg_basebackup -X stream} output
     * or a stopped cluster), which stock PostgreSQL first recovers to a clean shutdown. The source is not
     * modified.
     */
    public synchronized TimelineInfo create(TimelineKey key, Path importFrom) {
        if (timelines.containsKey(key) || new Timeline(store, key).exists()) {
            throw new TimelineExistsException(key);
        }
        ScratchDirectory scratch = ScratchDirectory.create(importFrom == null ? "cairn-initdb-" : "cairn-import-");
        try {
            Path data = importFrom == null
                    ? PgCluster.initdb(config.pgBinaries(), scratch.resolve("data"), List.of()).dataDir()
                    : StockRecovery.recover(config.pgBinaries(), importFrom, scratch.path());
            DataDirImport.Result imported = DataDirImport.run(store, key, data);
            store.flush();
            LOG.info("created {} from {}: {} relation forks, {} pages, starts at {}", key,
                    importFrom == null ? "initdb" : importFrom, imported.relationForks(), imported.pages(), imported.lsn());
        } finally {
            removeScratch(scratch);
        }
        return register(key);
    }

    /**
     * Creates timeline {@code key} as a copy of {@code sourceTimeline} of the same tenant at the last record
     * boundary at or before {@code at} (null: the end of its ingested WAL), and starts ingesting its WAL.
     * The LSN must lie between the source's start and its committed WAL, and within its retention window.
     */
    public synchronized TimelineInfo branch(TimelineKey key, Id128 sourceTimeline, Lsn at) {
        if (timelines.containsKey(key) || new Timeline(store, key).exists()) {
            throw new TimelineExistsException(key);
        }
        TimelineKey sourceKey = new TimelineKey(key.tenant(), sourceTimeline);
        ServedTimeline source = timeline(sourceKey);
        Lsn lsn = at != null ? at : source.ingest().position().end();
        TimelineBranch.Result r = new TimelineBranch(store, sourceKey, source.pages(), key)
                .create(lsn, source.commitLsn(), config.readTimeout(), config.dataDir().resolve(BRANCH_WORK_DIR));
        store.flush();
        LOG.info("created {} as a branch of {} at {} (asked for {}): {} bytes copied, {} relation forks, {} pages, "
                + "starts at {}", key, sourceKey, r.ancestry().lsn(), lsn, r.copiedBytes(), r.imported().relationForks(),
                r.imported().pages(), r.imported().lsn());
        return register(key);
    }

    /** Adds a newly created timeline to the registry and serves it. */
    private TimelineInfo register(TimelineKey key) {
        List<TimelineKey> all = new ArrayList<>(timelines.keySet());
        all.addAll(unopened.keySet());
        all.add(key);
        registry.save(all);
        metrics.timelinesCreated.increment();
        return serve(key).info();
    }

    /** A crash while branching leaves its copy behind: no branch is in progress before the node opens. */
    private static void removeLeftoverBranchCopies(Path workDir) {
        try {
            ScratchDirectory.deleteTree(workDir);
        } catch (UncheckedIOException e) {
            LOG.warn("{}: {}", e.getMessage(), e.getCause().getMessage());
        }
    }

    private ServedTimeline serve(TimelineKey key) {
        Timeline timeline = new Timeline(store, key);
        Ancestry ancestry = timeline.ancestry(); // fixed at creation: read once, not on every status
        Ingest ingest = new Ingest(store, key, new IngestOptions(config.ignoredCustomRmgrs(), config.verifyRedo(), metrics));
        SafekeeperWalSource source = config.safekeepers().isEmpty() ? null
                : new SafekeeperWalSource(ingest, store, config.safekeepers(), "pageserver-" + config.nodeId(),
                timeline.controlFile().build().xlogSegSize(), metrics).start();
        ServedTimeline served = new ServedTimeline(key, ingest, timeline,
                new PageService(timeline, ingest.watch(), config.readTimeout()), source, ancestry);
        timelines.put(key, served);
        return served;
    }

    public ServedTimeline timeline(TimelineKey key) {
        ServedTimeline t = timelines.get(key);
        if (t == null && unopened.containsKey(key)) {
            synchronized (this) {
                t = timelines.get(key);
                if (t == null) {
                    t = serve(key); // throws again while e.g. its keys are still revoked
                    unopened.remove(key);
                    LOG.info("timeline {} opened", key);
                }
            }
        }
        if (t == null) {
            throw new UnknownTimelineException(key);
        }
        return t;
    }

    public List<TimelineInfo> list() {
        return timelines.values().stream().map(ServedTimeline::info)
                .sorted(Comparator.comparing((TimelineInfo i) -> i.key().toString())).toList();
    }

    private static void removeScratch(ScratchDirectory scratch) {
        try {
            scratch.close();
        } catch (UncheckedIOException e) {
            LOG.warn("{}: {}", e.getMessage(), e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        gc.shutdownNow();
        timelines.values().forEach(ServedTimeline::close);
        timelines.clear();
        store.flush();
        store.close();
    }
}
