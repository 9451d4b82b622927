package dev.cairn.pageserver;

import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestOptions;
import dev.cairn.pageserver.ingest.RedoObserver;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.redo.BlockRedo;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The round trip of {@link RoundTripTest} with computes as Cairn runs them: full_page_writes off and no
 * consistency images. Blocks of every index AM, heap, sequence and generic reach the pageserver as bare
 * records; it stores deltas, and every basebackup (after a clean stop, an immediate stop with GC, a
 * SIGKILL, and at a point in time) materialises them by replay.
 */
class DeltaRoundTripTest extends RoundTripTest {
    private final LongAdder redone = new LongAdder();

    @Override
    Map<String, String> computeSettings() {
        return Computes.settings(Map.of("full_page_writes", "off",
                "wal_consistency_checking", BlockRedo.consistencyCheckingSetting()));
    }

    @Override
    Ingest newIngest(PageStore store, TimelineKey tl) {
        return new Ingest(store, tl, new IngestOptions(Set.of(), true, new RedoObserver() {
            @Override
            public void redone(String recordType) {
                redone.increment();
            }
        }));
    }

    @Test
    @Order(6)
    void theBlocksCameAsDeltasAndWereRedone() {
        assertThat(redone.sum()).as("blocks materialised by Java redo at ingest").isGreaterThan(10_000);
    }
}
