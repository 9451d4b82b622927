package dev.cairn.compute;

/** Where an endpoint's compute is in its life. */
public enum ComputeState {
    /** No postgres runs; nothing of the compute is on disk. */
    SUSPENDED,
    /** Sync, basebackup, postgres start and proposer under way. */
    STARTING,
    /** Postgres accepts connections and commits through the quorum. */
    RUNNING,
    /** Shutting down cleanly (suspend). */
    STOPPING,
    /** Could not start, or stopped because another compute took over the timeline; see the last error. */
    FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
