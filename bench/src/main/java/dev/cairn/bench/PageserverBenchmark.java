package dev.cairn.bench;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.http.PageserverHttpApi;
import dev.cairn.pageserver.service.PageserverNode;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The pageserver on a pgbench database, beside stock PostgreSQL's own tools in
 * the same run: import, ingest (vs pg_waldump decoding the same WAL),
 * basebackup (vs pg_basebackup of the same database), GetPage@LSN latency on
 * a warm and a cold block cache, and storage amplification before and after GC. The basebackup is also
 * downloaded through the HTTP API (basebackup_http_mb_per_s), which measures the admin server's streaming.
 * With {@code --deltas} the compute runs as Cairn's do (full-page writes off, no consistency images): the store holds deltas, and GetPage is also timed on the pages with the longest delta chains (pgbench's
 * tellers and branches, changed by every transaction) at random LSNs of the run, with an empty page cache.
 */
final class PageserverBenchmark {
    private static final Map<String, String> COMPUTE = Map.of("fsync", "off", "wal_consistency_checking", "all",
            "wal_compression", "lz4", "wal_keep_size", "16GB", "max_wal_size", "16GB", "autovacuum", "off");
    private static final Map<String, String> COMPUTE_DELTAS = Map.of("fsync", "off", "full_page_writes", "off",
            "wal_consistency_checking", dev.cairn.redo.BlockRedo.consistencyCheckingSetting(),
            "wal_compression", "lz4", "wal_keep_size", "16GB", "max_wal_size", "16GB", "autovacuum", "off");

    private PageserverBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int scale = BenchArgs.intArg(args, "--scale", 70); // pgbench scale 70: a database of about 1 GB
        int seconds = BenchArgs.intArg(args, "--seconds", 15);
        boolean deltas = java.util.Arrays.asList(args).contains("--deltas");
        PgBinaries bin = PgBinaries.locate();
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "pageserver");
        result.put("time", Instant.now().toString());
        result.put("workload", "pgbench -s " + scale + " init + " + seconds + " s x 4 clients, "
                + (deltas ? "full_page_writes=off, no consistency images (deltas)"
                : "wal_consistency_checking=all (images)") + ", lz4");
        try (KeyHierarchy keys = KeyHierarchy.open(KeyHierarchyConfig.builder(scratch.resolve("keys")).caller("bench").build());
             PgCluster pg = PgCluster.initdb(bin, scratch.resolve("data"), List.of())) {
            keys.createTenant(tl.tenant(), KeyRef.local("bench"));
            Path nodeDir = scratch.resolve("pageserver");
            Path storeDir = nodeDir.resolve("store"); // where a PageserverNode on nodeDir finds it
            Lsn end;
            RelFork accounts;
            List<RelFork> hotPages;
            Lsn[] hotRange;
            long dataDirBytes;
            try (PageStore store = PageStore.open(storeDir, new KmsValueCipher(keys))) {
                long t0 = System.nanoTime();
                DataDirImport.run(store, tl, pg.dataDir());
                result.put("import_seconds", secondsSince(t0));

                pg.start(deltas ? COMPUTE_DELTAS : COMPUTE);
                List<String> conn = List.of("-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "postgres");
                pg.tool("pgbench", concat(conn, "-i", "-q", "-s", Integer.toString(scale), "postgres"), 3600)
                        .requireSuccess("pgbench -i");
                Lsn runStart = Lsn.parse(pg.psql("SELECT pg_current_wal_insert_lsn()"));
                pg.tool("pgbench", concat(conn, "-n", "-c", "4", "-j", "2", "-T", Integer.toString(seconds), "postgres"), 3600)
                        .requireSuccess("pgbench");
                Lsn runEnd = Lsn.parse(pg.psql("SELECT pg_current_wal_insert_lsn()"));
                long dbOid = Long.parseLong(pg.psql("SELECT oid FROM pg_database WHERE datname = 'postgres'"));
                hotPages = List.of(
                        new RelFork(new RelFileLocator(1663, dbOid, Long.parseLong(pg.psql("SELECT pg_relation_filenode('pgbench_tellers')"))), ForkNumber.MAIN),
                        new RelFork(new RelFileLocator(1663, dbOid, Long.parseLong(pg.psql("SELECT pg_relation_filenode('pgbench_branches')"))), ForkNumber.MAIN));
                hotRange = new Lsn[] {runStart, runEnd};
                accounts = new RelFork(new RelFileLocator(1663,
                        Long.parseLong(pg.psql("SELECT oid FROM pg_database WHERE datname = 'postgres'")),
                        Long.parseLong(pg.psql("SELECT pg_relation_filenode('pgbench_accounts')"))), ForkNumber.MAIN);
                Path peerBackup = scratch.resolve("pg_basebackup");
                Files.createDirectories(peerBackup);
                pg.user().own(peerBackup); // pg_basebackup runs as the server user
                t0 = System.nanoTime();
                pg.tool("pg_basebackup", concat(conn, "-D", peerBackup.toString(), "-F", "tar", "-X", "none",
                        "--no-sync", "--checkpoint=fast"), 3600).requireSuccess("pg_basebackup");
                double peerSeconds = secondsSince(t0);
                long peerBytes = treeSize(peerBackup);
                result.put("pg_basebackup_mb_per_s", peerBytes / 1e6 / peerSeconds);
                pg.stop("fast");
                dataDirBytes = treeSize(pg.dataDir()) - treeSize(pg.walDir());
                result.put("data_dir_bytes_without_wal", dataDirBytes);

                List<Path> segments = WalReader.listSegments(pg.walDir());
                t0 = System.nanoTime();
                ProcessRunner.run(List.of(bin.tool("pg_waldump").toString(), "--stats", "-p", pg.walDir().toString(),
                        segments.get(0).getFileName().toString(),
                        segments.get(segments.size() - 1).getFileName().toString()), null, 3600);
                double waldumpSeconds = secondsSince(t0);

                Ingest ingest = new Ingest(store, tl);
                Lsn from = new Timeline(store, tl).position().end();
                t0 = System.nanoTime();
                end = WalDirectoryIngest.ingest(ingest, pg.walDir());
                double ingestSeconds = secondsSince(t0);
                long walBytes = end.minus(from);
                result.put("wal_bytes", walBytes);
                result.put("ingest_mb_per_s", walBytes / 1e6 / ingestSeconds);
                result.put("pg_waldump_decode_mb_per_s", walBytes / 1e6 / waldumpSeconds);
                result.put("ratio_ingest_over_pg_waldump_decode", waldumpSeconds / ingestSeconds);

                Path ours = scratch.resolve("cairn-basebackup.tar");
                t0 = System.nanoTime();
                Basebackup.Result bb;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ours), 1 << 20)) {
                    bb = new Basebackup(new Timeline(store, tl)).writeLatest(out);
                }
                double bbSeconds = secondsSince(t0);
                result.put("basebackup_bytes", bb.bytes());
                result.put("basebackup_mb_per_s", bb.bytes() / 1e6 / bbSeconds);
                result.put("ratio_basebackup_over_pg_basebackup", (bb.bytes() / bbSeconds) / (peerBytes / peerSeconds));
                Files.delete(ours);

                store.flush();
                result.put("store_bytes_all_versions", treeSize(storeDir));
                getPageLatency(new Timeline(store, tl), accounts, end); // JIT and block cache warm-up
                result.put("getpage_warm_us", getPageLatency(new Timeline(store, tl), accounts, end));
            }
            result.put("basebackup_http_mb_per_s", basebackupOverHttp(nodeDir, bin, keys, tl, end));
            // Reopened with a 1 MiB block cache: reads go to SST files (the OS page cache may still hold them).
            try (PageStore cold = PageStore.open(storeDir, new KmsValueCipher(keys), 1L << 20)) {
                result.put("getpage_cold_block_cache_us", getPageLatency(new Timeline(cold, tl), accounts, end));
                result.put("getpage_hot_pages_random_lsn_cold_page_cache_us",
                        hotPageLatency(new Timeline(cold, tl), hotPages, hotRange[0], hotRange[1]));
                new GarbageCollector(cold).collect(new Timeline(cold, tl), end);
                cold.compact();
                long afterGc = treeSize(storeDir);
                result.put("store_bytes_after_gc", afterGc);
                result.put("storage_amplification_all_versions",
                        ((Number) result.get("store_bytes_all_versions")).doubleValue() / dataDirBytes);
                result.put("storage_amplification_after_gc", (double) afterGc / dataDirBytes);
            }
        }
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        BenchResults.writeAndPrint(resultsDir, deltas ? "pageserver-deltas.json" : "pageserver.json", result);
    }

    /**
     * The same basebackup through the pageserver's HTTP API (PageserverHttpApi on loopback, read by
     * PageserverClient in this JVM): best MB/s of three downloads into a null sink.
     */
    private static double basebackupOverHttp(Path nodeDir, PgBinaries bin, KeyHierarchy keys, TimelineKey tl, Lsn end)
            throws IOException {
        Files.writeString(nodeDir.resolve("timelines.json"), "[\"" + tl.tenant() + "/" + tl.timeline() + "\"]");
        PageserverNode.Config config = new PageserverNode.Config(nodeDir, List.of(), bin, Duration.ofSeconds(30), "bench",
                PageserverNode.Config.DEFAULT_RETENTION, Duration.ZERO, PageserverNode.Config.DEFAULT_BLOCK_CACHE_MIB);
        double best = 0;
        try (PageserverNode node = PageserverNode.open(config, new KmsValueCipher(keys));
             PageserverHttpApi api = PageserverHttpApi.start(node, new InetSocketAddress("127.0.0.1", 0))) {
            PageserverClient client = new PageserverClient(URI.create("http://127.0.0.1:" + api.port()));
            for (int i = 0; i < 3; i++) {
                long[] bytes = {0};
                long t0 = System.nanoTime();
                client.basebackup(tl, end, Duration.ofSeconds(30), (header, length, tar) -> bytes[0] = tar.transferTo(OutputStream.nullOutputStream()));
                best = Math.max(best, bytes[0] / 1e6 / secondsSince(t0));
            }
        }
        return best;
    }

    /**
     * p50 and p99 of GetPage@LSN of the first block of each relation at random LSNs in [from, to] (microseconds):
     * the pages every transaction changes, so with deltas each read replays up to a chain's length. The store
     * was just opened, so the page cache starts empty; a random LSN rarely meets a cached version.
     */
    private static Map<String, Double> hotPageLatency(Timeline t, List<RelFork> rels, Lsn from, Lsn to) {
        Random rnd = new Random(11);
        long[] i = {0};
        double[] us = getPageMicros(() -> t.page(rels.get((int) (i[0]++ % rels.size())), 0,
                Lsn.of(from.value() + (long) (rnd.nextDouble() * (to.value() - from.value())))));
        Map<String, Double> m = percentiles(us);
        m.put("max", us[us.length - 1]);
        return m;
    }

    /** p50 and p99 of GetPage@LSN over random blocks of the relation (microseconds). */
    private static Map<String, Double> getPageLatency(Timeline t, RelFork rel, Lsn lsn) {
        long blocks = t.relState(rel, lsn).nblocks();
        Random rnd = new Random(7);
        Map<String, Double> m = percentiles(getPageMicros(() -> t.page(rel, (long) (rnd.nextDouble() * blocks), lsn)));
        m.put("blocks_in_relation", (double) blocks);
        return m;
    }

    /** 5000 timed reads, sorted (microseconds). */
    private static double[] getPageMicros(java.util.function.Supplier<byte[]> read) {
        double[] us = new double[5000];
        for (int i = 0; i < us.length; i++) {
            long t0 = System.nanoTime();
            byte[] page = read.get();
            us[i] = (System.nanoTime() - t0) / 1e3;
            if (page.length != 8192) {
                throw new IllegalStateException("GetPage returned " + page.length + " bytes");
            }
        }
        Arrays.sort(us);
        return us;
    }

    private static Map<String, Double> percentiles(double[] sorted) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", sorted[sorted.length / 2]);
        m.put("p99", sorted[sorted.length * 99 / 100]);
        return m;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long treeSize(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> concat(List<String> base, String... more) {
        return Stream.concat(base.stream(), Arrays.stream(more)).toList();
    }
}
