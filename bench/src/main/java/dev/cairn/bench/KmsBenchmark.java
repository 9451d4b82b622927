package dev.cairn.bench;

import dev.cairn.kms.Aad;
import dev.cairn.kms.DekId;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Envelope encryption cost: AES-256-GCM encrypt+decrypt of 8 KiB pages
 * through the key hierarchy beside a plain copy of the same bytes, on one
 * core; and key unwrap latency on a cache hit and a cache miss (local
 * provider: a miss unwraps the KEK with the local keyring and the DEK with
 * the KEK).
 */
final class KmsBenchmark {
    private static final int PAGE = 8192;
    private static final int PAGES = 1024;
    private static final int ROUNDS = 7;
    /** Passes over the pages before timing: enough for the JIT to compile the GCM paths. */
    private static final int WARMUP_PASSES = 25;

    private KmsBenchmark() {
    }

    static void run(Path resultsDir, Path dataDir) throws Exception {
        Id128 tenant = Id128.parse("0123456789abcdef0123456789abcdef");
        byte[][] pages = new byte[PAGES][PAGE];
        Random rnd = new Random(1);
        for (byte[] p : pages) {
            rnd.nextBytes(p);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "kms-envelope");
        result.put("time", Instant.now().toString());
        byte[] envelope;
        try (KeyHierarchy h = open(dataDir)) {
            h.createTenant(tenant, KeyRef.local("bench"));
            DekId dek = h.activeDek(tenant, "page");

            double copy = medianMbPerSecond(() -> {
                byte[] out = new byte[PAGE];
                long sink = 0;
                for (int i = 0; i < PAGES; i++) {
                    System.arraycopy(pages[i], 0, out, 0, PAGE);
                    sink += out[i % PAGE];
                }
                return sink;
            });
            double sealOpen = medianMbPerSecond(() -> {
                long sink = 0;
                for (int i = 0; i < PAGES; i++) {
                    Aad aad = Aad.of("page", "bench-rel", i);
                    byte[] sealed = h.encrypt(dek, aad, pages[i]);
                    byte[] opened = h.decrypt(tenant, aad, sealed);
                    sink += opened[i % PAGE];
                }
                return sink;
            });
            byte[][] sealedPages = new byte[PAGES][];
            double sealOnly = medianMbPerSecond(() -> {
                for (int i = 0; i < PAGES; i++) {
                    sealedPages[i] = h.encrypt(dek, Aad.of("page", "bench-rel", i), pages[i]);
                }
                return sealedPages[0].length;
            });
            double openOnly = medianMbPerSecond(() -> {
                long sink = 0;
                for (int i = 0; i < PAGES; i++) {
                    sink += h.decrypt(tenant, Aad.of("page", "bench-rel", i), sealedPages[i])[i % PAGE];
                }
                return sink;
            });
            result.put("encrypt_mb_per_s", sealOnly);
            result.put("decrypt_mb_per_s", openOnly);
            byte[] small = new byte[16];
            envelope = h.encrypt(dek, Aad.of("page", "bench-rel", 0), small);
            List<Double> hits = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                long t0 = System.nanoTime();
                h.decrypt(tenant, Aad.of("page", "bench-rel", 0), envelope);
                if (i >= 10_000) {
                    hits.add((System.nanoTime() - t0) / 1e3);
                }
            }
            result.put("page_bytes", PAGE);
            result.put("copy_mb_per_s", copy);
            result.put("encrypt_decrypt_mb_per_s", sealOpen);
            result.put("ratio_encrypt_decrypt_over_copy", sealOpen / copy);
            result.put("goal_mb_per_s", 1000);
            result.put("cache_hit_decrypt_16b_us_median", median(hits));
        }
        // A fresh hierarchy has an empty cache: its first decrypt unwraps KEK and DEK.
        List<Double> misses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            try (KeyHierarchy h = open(dataDir)) {
                long t0 = System.nanoTime();
                h.decrypt(tenant, Aad.of("page", "bench-rel", 0), envelope);
                double first = (System.nanoTime() - t0) / 1e3;
                if (i >= 5) {
                    misses.add(first);
                }
            }
        }
        result.put("cache_miss_decrypt_16b_us_median", median(misses));
        result.put("provider", "local");
        result.put("cpus_available_to_jvm", Runtime.getRuntime().availableProcessors());
        result.put("java", System.getProperty("java.version"));
        Path out = BenchResults.write(resultsDir, "kms-envelope.json", result);
        System.out.printf("8 KiB pages, one core: copy %.0f MB/s; AES-256-GCM encrypt %.0f MB/s, decrypt %.0f MB/s,"
                        + " encrypt+decrypt of each page %.0f MB/s (ratio to copy %.3f, goal >= 1000 MB/s)%n",
                result.get("copy_mb_per_s"), result.get("encrypt_mb_per_s"), result.get("decrypt_mb_per_s"),
                result.get("encrypt_decrypt_mb_per_s"), result.get("ratio_encrypt_decrypt_over_copy"));
        System.out.printf("key lookup + 16-byte decrypt: cache hit %.1f us, cache miss %.1f us (median) -> %s%n",
                result.get("cache_hit_decrypt_16b_us_median"), result.get("cache_miss_decrypt_16b_us_median"), out);
    }

    private static KeyHierarchy open(Path dataDir) {
        return KeyHierarchy.open(KeyHierarchyConfig.builder(dataDir).caller("bench").build());
    }

    /** Runs the body (which processes PAGES pages) ROUNDS times after warm-up; median MB/s. */
    private static double medianMbPerSecond(Body body) {
        long sink = 0;
        for (int i = 0; i < WARMUP_PASSES; i++) {
            sink += body.run();
        }
        double[] mbps = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (int rep = 0; rep < 8; rep++) {
                sink += body.run();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            mbps[r] = 8.0 * PAGES * PAGE / 1e6 / seconds;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(mbps);
        return mbps[ROUNDS / 2];
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @FunctionalInterface
    private interface Body {
        long run();
    }
}
