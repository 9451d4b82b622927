package dev.cairn.pageserver.ingest;

import dev.cairn.common.TimelineKey;
import dev.cairn.redo.ConsistencyCheck;

/**
 * What ingest's Java redo reports (an injected stats API): blocks redone, and in verify mode each block
 * compared with PostgreSQL's image, by record type ("Heap/INSERT").
 */
public interface RedoObserver {
    RedoObserver NONE = new RedoObserver() {
    };

    /** A block was materialised by Java redo (stored as a delta, or as an image at the chain bound). */
    default void redone(String recordType) {
    }

    /** Verify mode: the redone block equals PostgreSQL's image after masking. */
    default void verified(String recordType) {
    }

    /** Verify mode: it does not, or redo refused the record; PostgreSQL's image is stored instead. */
    default void mismatch(TimelineKey timeline, String recordType, ConsistencyCheck.Mismatch mismatch) {
    }
}
