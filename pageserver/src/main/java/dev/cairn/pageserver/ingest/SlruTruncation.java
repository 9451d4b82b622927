package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.store.SlruKind;

/**
 * Removing whole SLRU segments, as SimpleLruTruncate and the multixact member
 * truncation do. Segment numbers are compared without wraparound: a timeline
 * would need 2^31 transactions before that matters.
 */
final class SlruTruncation {
    private SlruTruncation() {
    }

    /** Removes the pages of every segment in [fromSegment, toSegment). */
    static void removeSegments(RecordContext ctx, SlruKind slru, long fromSegment, long toSegment) {
        for (long page : ctx.timeline.slruPages(slru, ctx.lsn).keySet()) {
            long segment = page / SlruKind.PAGES_PER_SEGMENT;
            if (segment >= fromSegment && segment < toSegment) {
                ctx.removeSlruPage(slru, page);
            }
        }
    }
}
