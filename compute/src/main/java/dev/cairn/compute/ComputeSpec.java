package dev.cairn.compute;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.AcceptorAddress;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to run one endpoint's compute.
 *
 * @param listenHost     where postgres listens and how the proxy reaches it (127.0.0.1 locally; the
 *                       container's host name in docker compose, where postgres then listens on all interfaces)
 * @param stateRoot      parent of the compute's disposable PGDATA (memory-backed where possible)
 * @param roleVerifiers  role name -> SCRAM-SHA-256 verifier; the proxy authenticates clients against the same
 * @param maxIngestLagBytes how far the pageserver's ingest may trail the quorum before commits wait for it
 * @param extraSettings  the operator's own postgres settings for every compute (shared_preload_libraries, ...);
 *                       none of {@link ComputeSettings#PROTECTED}
 * @param verifyRedo     every record carries the images of the blocks it changes (wal_consistency_checking =
 *                       'all'), for a pageserver in verify mode; otherwise only records of resource managers the
 *                       pageserver cannot redo do
 */
public record ComputeSpec(String endpoint, TimelineKey timeline, List<AcceptorAddress> safekeepers, URI pageserver,
                          PgBinaries pgBinaries, String listenHost, Path stateRoot, Map<String, String> roleVerifiers,
                          long maxIngestLagBytes, Map<String, String> extraSettings, boolean verifyRedo) {
    /**
     * The default bound on ingest lag. A wake waits for ingest to reach the quorum's end. With Java redo the
     * pageserver ingests WAL of small records (a bulk load's inserts) at about 8 MB/s on a core shared with the
     * load (bench/results/bulk-load.json): 16 MiB keeps the wait after a burst around two seconds.
     */
    public static final long DEFAULT_MAX_INGEST_LAG_BYTES = 16L << 20;

    public ComputeSpec {
        safekeepers = List.copyOf(safekeepers);
        roleVerifiers = Map.copyOf(roleVerifiers);
        if (maxIngestLagBytes < 1) {
            throw new IllegalArgumentException("the ingest lag bound must be positive, got " + maxIngestLagBytes);
        }
        extraSettings = ComputeSettings.operatorSettings(extraSettings);
    }

    public ComputeSpec(String endpoint, TimelineKey timeline, List<AcceptorAddress> safekeepers, URI pageserver,
                       PgBinaries pgBinaries, String listenHost, Path stateRoot, Map<String, String> roleVerifiers) {
        this(endpoint, timeline, safekeepers, pageserver, pgBinaries, listenHost, stateRoot, roleVerifiers,
                DEFAULT_MAX_INGEST_LAG_BYTES, Map.of(), false);
    }

    /** /dev/shm when the machine has it (compute state dies with the machine), else the temp directory. */
    public static Path defaultStateRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("cairn-computes")
                : Path.of(System.getProperty("java.io.tmpdir"), "cairn-computes");
    }

    boolean loopbackOnly() {
        return listenHost.equals("127.0.0.1") || listenHost.equals("localhost");
    }
}
