package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.PageCache;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;

/**
 * The redo of one WAL record: everything it writes goes into one write set at
 * the record's end LSN (a version becomes visible at the end of the record
 * that made it), and reads see those pending writes.
 */
final class RecordContext {
    final DecodedRecord record;
    final Lsn lsn;
    final WriteSet writes;
    final Timeline timeline;

    RecordContext(Timeline timeline, WriteSet writes, DecodedRecord record, Lsn lsn) {
        this.record = record;
        this.lsn = lsn;
        this.writes = writes;
        this.timeline = timeline.through(writes);
    }

    TimelineKey ref() {
        return timeline.ref();
    }

    /** A copy of the SLRU page as of this record, or null when it does not exist. */
    byte[] slruPage(SlruKind slru, long page) {
        byte[] p = timeline.slruPage(slru, page, lsn);
        return p == null ? null : p.clone();
    }

    private record CachedPage(byte[] versionKey, byte[] page, int chainLength) {
    }

    /** Pages this record materialised, for the page cache once its writes are committed. */
    private final List<CachedPage> cached = new ArrayList<>();

    void cachePage(RelFork rf, long block, byte[] page, int chainLength) {
        cached.add(new CachedPage(KeyCodec.page(ref(), rf, block, lsn), page, chainLength));
    }

    void publishCachedPages(PageCache cache) {
        for (CachedPage c : cached) {
            cache.put(c.versionKey(), c.page(), c.chainLength());
        }
    }

    void putSlruPage(SlruKind slru, long page, byte[] content) {
        writes.put(KeyCodec.slru(ref(), slru, page, lsn), content);
    }

    void removeSlruPage(SlruKind slru, long page) {
        writes.put(KeyCodec.slru(ref(), slru, page, lsn), null);
    }
}
