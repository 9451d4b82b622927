package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's free huge pages (/proc/meminfo). Without them every new backend faults PostgreSQL's shared
 * buffers in 4-KiB page by page, and a fresh connection takes seconds to reach its steady rate on this VM
 * (pgbench -S, 16 clients: 8.7k TPS in the first 2 s, 23.7k after 12 s; with huge pages 26k, then 31k
 * after 4 s). Benchmarks that open fresh connections then measure the warm-up, not the steady state.
 */
final class HugePages {
    private HugePages() {
    }

    /** Bytes of huge pages free to reserve now; 0 where the kernel has none configured. */
    static long freeBytes() {
        try {
            long free = 0;
            long size = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                if (f[0].equals("HugePages_Free:")) {
                    free = Long.parseLong(f[1]);
                } else if (f[0].equals("Hugepagesize:")) {
                    size = Long.parseLong(f[1]) * 1024;
                }
            }
            return free * size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
    }
}
