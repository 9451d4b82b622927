package dev.cairn.pageserver.ingest;

import java.util.Set;

/**
 * How a timeline's ingest treats what PostgreSQL sends.
 *
 * @param ignoredCustomRmgrs custom resource managers whose records change nothing stored (the operator says so)
 * @param verifyRedo         redo blocks that carry a wal_consistency_checking image too, and compare; off, such
 *                           blocks store the image without redo
 * @param observer           where redo and verification are counted
 */
public record IngestOptions(Set<Integer> ignoredCustomRmgrs, boolean verifyRedo, RedoObserver observer) {
    /** Verify mode on: what tests run with. */
    public static final IngestOptions VERIFYING = new IngestOptions(Set.of(), true, RedoObserver.NONE);

    public IngestOptions {
        ignoredCustomRmgrs = Set.copyOf(ignoredCustomRmgrs);
    }
}
