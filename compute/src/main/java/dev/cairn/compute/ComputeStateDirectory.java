package dev.cairn.compute;

import dev.cairn.pgruntime.ScratchDirectory;

import java.nio.file.Path;

/**
 * A compute's local state: its data directory under a per-compute root, and what its postgres wrote into
 * tablespace locations outside it. Both die with the compute, whoever tears it down (the agent, or a
 * restarted manager cleaning up after a dead one).
 */
final class ComputeStateDirectory {
    private ComputeStateDirectory() {
    }

    /** @throws java.io.UncheckedIOException when something could not be deleted */
    static void delete(Path root) {
        TablespaceLocations.deleteWrittenOutside(root.resolve("data"));
        ScratchDirectory.deleteTree(root);
    }
}
