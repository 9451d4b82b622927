package dev.cairn.compute;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.safekeeper.TimelineKey;
import dev.cairn.safekeeper.proposer.AcceptorAddress;

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
 */
public record ComputeSpec(String endpoint, TimelineKey timeline, List<AcceptorAddress> safekeepers, URI pageserver,
                          PgBinaries pgBinaries, String listenHost, Path stateRoot, Map<String, String> roleVerifiers) {
    public ComputeSpec {
        safekeepers = List.copyOf(safekeepers);
        roleVerifiers = Map.copyOf(roleVerifiers);
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
