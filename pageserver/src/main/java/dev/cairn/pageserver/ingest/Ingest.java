package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.crypto.ValueKeyUnavailableException;
import dev.cairn.pageserver.store.ValueKeyException;
import dev.cairn.pageserver.RelFork;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.read.LsnWatch;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.StoreFullException;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.rmgr.ClogRecord;
import dev.cairn.pgformat.rmgr.DbaseRecord;
import dev.cairn.pgformat.rmgr.MultiXactRecord;
import dev.cairn.pgformat.rmgr.RecordDecoder;
import dev.cairn.pgformat.rmgr.RecordTypeNames;
import dev.cairn.pgformat.rmgr.RelMapRecord;
import dev.cairn.pgformat.rmgr.RmgrRecord;
import dev.cairn.pgformat.rmgr.SmgrRecord;
import dev.cairn.pgformat.rmgr.TablespaceRecord;
import dev.cairn.pgformat.rmgr.XactRecord;
import dev.cairn.pgformat.rmgr.XlogRecord;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import dev.cairn.pageserver.store.PageMaterializer;
import dev.cairn.pageserver.store.PageVersion;
import dev.cairn.redo.BlockRedo;
import dev.cairn.redo.ConsistencyCheck;
import dev.cairn.redo.RedoException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Materialises a timeline from its WAL, one record at a time, each record
 * atomically (one write batch, versions at the record's end LSN):
 * <ul>
 * <li>block images — full-page and wal_consistency_checking images, which
 *     show the block as it is after the record — are stored as page versions;
 *     a changed block without an image stops ingest ({@link MissingImageException});</li>
 * <li>non-block state is redone in Java: CLOG, multixacts, relmapper, smgr
 *     create/truncate, relation, database and tablespace drop and creation,
 *     two-phase state, visibility-map bit clearing, checkpoint counters;</li>
 * <li>records of custom resource managers stop ingest
 *     ({@link UnsupportedRecordException}).</li>
 * </ul>
 * Single writer per timeline; after a failure every further record is refused.
 */
public final class Ingest {
    /** Deltas after which a redone block is stored as an image: bounds the replay a cold GetPage does. */
    static final int IMAGE_AFTER_DELTAS = 16;
    private final Timeline timeline;
    private final PageStore store;
    private final TimelineKey ref;
    private final Relations relations = new Relations();
    private final CheckpointTracker tracker;
    private IngestPosition position;
    private IngestException failure;
    private volatile IngestPausedException paused;
    private final LsnWatch watch;
    private final IngestOptions options;

    /** Verify mode on, as in tests. */
    public Ingest(PageStore store, TimelineKey ref) {
        this(store, ref, IngestOptions.VERIFYING);
    }

    public Ingest(PageStore store, TimelineKey ref, IngestOptions options) {
        this.options = options;
        this.store = store;
        this.ref = ref;
        this.timeline = new Timeline(store, ref);
        this.position = timeline.position();
        this.tracker = new CheckpointTracker(timeline.checkpoint(position.end()));
        this.watch = new LsnWatch(ref, position.end());
    }

    /** Readers wait on this for ingest to reach their LSN. */
    public LsnWatch watch() {
        return watch;
    }

    public TimelineKey timeline() {
        return ref;
    }

    /** Why ingest stopped, or null while it runs. */
    public synchronized IngestException failure() {
        return failure;
    }

    /** Why ingest waits (the tenant's keys, room on the disk) since its last record would not apply, or null. */
    public IngestPausedException paused() {
        return paused;
    }

    public synchronized IngestPosition position() {
        return position;
    }

    /**
     * Ingests one record. Records that end at or before the ingested position
     * are skipped (WAL may be re-sent after a reconnect).
     *
     * @throws IngestException (or a subclass) when the record cannot be materialised; nothing of it is stored
     * @throws IngestPausedException when the tenant's keys are revoked or unreachable, or the store's disk is
     *                               full; nothing of it is stored and ingest retries the record later
     */
    public synchronized void apply(DecodedRecord rec) {
        apply(List.of(rec));
    }

    /**
     * Ingests consecutive records as one write batch: one RocksDB write and one position update for all of
     * them (a record's redo reads what the records before it in the batch wrote). Should one of them not
     * apply, the batch is dropped and the records are ingested one by one, so that every record before the
     * culprit is stored and the culprit fails or pauses as {@link #apply(DecodedRecord)} says.
     */
    public synchronized void apply(List<DecodedRecord> records) {
        if (failure != null) {
            Lsn at = records.isEmpty() ? position.end() : records.get(0).lsn();
            throw new IngestException(ref, at, "ingest stopped earlier: " + failure.getMessage(), failure);
        }
        WriteSet writes = store.newWriteSet();
        List<RecordContext> applied = new ArrayList<>(records.size());
        CheckPoint trackedBefore = tracker.current();
        IngestPosition next = position;
        try {
            for (DecodedRecord rec : records) {
                RecordContext ctx = applyRecord(writes, rec, next);
                if (ctx != null) {
                    applied.add(ctx);
                    next = new IngestPosition(position.importLsn(), rec.lsn(), rec.endLsn());
                }
            }
            writes.commit();
        } catch (RuntimeException e) {
            relations.invalidate();
            tracker.reset(trackedBefore);
            if (records.size() == 1) {
                throw handle(e, records.get(0));
            }
            for (DecodedRecord rec : records) { // the slow way, to store everything before the culprit
                apply(rec);
            }
            return;
        }
        for (RecordContext ctx : applied) {
            ctx.publishCachedPages(store.pageCache());
        }
        position = next;
        paused = null;
        watch.advance(next.end());
    }

    /** Redoes one record into {@code writes} after {@code at}; null when it was ingested already. */
    private RecordContext applyRecord(WriteSet writes, DecodedRecord rec, IngestPosition at) {
        if (!rec.endLsn().isAfter(at.end())) {
            return null;
        }
        if (rec.lsn().isBefore(at.end())) {
            throw new IngestException(ref, rec.lsn(), "record overlaps the ingested WAL, which ends at " + at.end(), null);
        }
        RecordContext ctx = new RecordContext(timeline, writes, rec, rec.endLsn());
        requireKnownRmgr(rec);
        storeBlocks(ctx);
        redo(ctx, RecordDecoder.decode(rec));
        VisibilityMapRedo.apply(ctx, relations);
        tracker.advancePastXid(rec.header().xidUnsigned());

        Lsn end = rec.endLsn();
        writes.put(KeyCodec.boundary(ref, end), new Timeline.RecordBoundary(rec.lsn(), end).encodeStart());
        if (tracker.takeChanged()) {
            writes.put(KeyCodec.checkpoint(ref, end), tracker.current().toBytes());
        }
        writes.put(KeyCodec.position(ref), new IngestPosition(position.importLsn(), rec.lsn(), end).encode());
        return ctx;
    }

    /** What a record's failure to apply becomes: a pause to retry later, or the timeline's stop. */
    private RuntimeException handle(RuntimeException e, DecodedRecord rec) {
        IngestPausedException pause = pauseFor(e, rec.lsn());
        if (pause != null) {
            // Not the record's fault: nothing of it was stored, and it applies again later. What applying it
            // changed in memory went too (relations, tracker), or the retry would not see those changes as new.
            paused = pause;
            return pause;
        }
        if (e instanceof IngestException ie) {
            return fail(ie);
        }
        if (e instanceof WalFormatException) {
            return fail(new IngestException(ref, rec.lsn(), "cannot decode " + RecordTypeNames.display(rec) + ": "
                    + e.getMessage(), e));
        }
        return fail(new IngestException(ref, rec.lsn(), "cannot apply " + RecordTypeNames.display(rec) + ": " + e, e));
    }

    /**
     * Revoked or unreachable keys, or a full disk, however deep in the store's or the redo's exceptions: the
     * pause to report, or null when the record itself is at fault.
     */
    private IngestPausedException pauseFor(Throwable e, Lsn lsn) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ValueKeyUnavailableException || c instanceof ValueKeyException) {
                return new IngestKeysUnavailableException(ref, lsn, e);
            }
            if (c instanceof StoreFullException full) {
                return new IngestStorageFullException(ref, lsn, full);
            }
        }
        return null;
    }

    private IngestException fail(IngestException e) {
        failure = e;
        relations.invalidate();
        return e;
    }

    /**
     * Each block of the record: an image to replay is stored as it is; a block of a resource manager with Java
     * redo is redone on its previous version and stored as a delta (as an image once the chain since the last
     * image reaches {@link #IMAGE_AFTER_DELTAS}, or when the record initialises the page); other blocks need
     * PostgreSQL's image of them. In verify mode a redone block that also carries an image is compared with it.
     * Heap blocks then record their free space in the free space map as redo does.
     */
    private void storeBlocks(RecordContext ctx) {
        DecodedRecord rec = ctx.record;
        for (BlockReference b : rec.blocks()) {
            if (b.fork() == null) {
                throw new IngestException(ref, rec.lsn(), "block " + b.blockId() + " names fork " + b.forkNumber(), null);
            }
            RelFork rf = new RelFork(b.rel(), b.fork());
            if (b.applyImage() || (b.hasImage() && !options.verifyRedo())) {
                storeImage(ctx, rf, b, imageAfter(rec, b));
            } else if (BlockRedo.forRmgr(rec.rmgr()) != null) {
                redoBlock(ctx, rf, b);
            } else if (b.hasImage()) {
                storeImage(ctx, rf, b, imageAfter(rec, b));
            } else {
                throw new MissingImageException(ref, rec.lsn(), RmgrId.nameOf(rec.rmid()), RecordTypeNames.display(rec),
                        "block " + b.blockNumber() + " of " + rf);
            }
            if (rec.rmgr() == RmgrId.HEAP || rec.rmgr() == RmgrId.HEAP2) {
                FreeSpaceMapRedo.afterHeapBlock(ctx, relations, rf, b);
            }
        }
    }

    /** A block image as it is after the record: replay images and wal_consistency_checking images alike. */
    private static byte[] imageAfter(DecodedRecord rec, BlockReference b) {
        return BlockRedo.restoredImage(rec, b);
    }

    private void storeImage(RecordContext ctx, RelFork rf, BlockReference b, byte[] page) {
        relations.putPage(ctx, rf, b.blockNumber(), page);
    }

    private void redoBlock(RecordContext ctx, RelFork rf, BlockReference b) {
        DecodedRecord rec = ctx.record;
        String type = BlockRedo.recordType(rec);
        PageMaterializer.Materialized before = relations.page(ctx, rf, b.blockNumber());
        byte[] after;
        try {
            after = BlockRedo.apply(rec, b, before == null ? null : before.page());
        } catch (RedoException e) {
            if (!b.hasImage()) {
                throw new IngestException(ref, rec.lsn(), e.getMessage(), e);
            }
            ConsistencyCheck.Mismatch m = new ConsistencyCheck.Mismatch(rec.lsn(), type, "block " + b.blockNumber()
                    + " of " + rf, -1, "", "redo refused: " + e.getMessage(), 0);
            options.observer().mismatch(ref, type, m);
            storeImage(ctx, rf, b, imageAfter(rec, b));
            return;
        }
        if (b.hasImage()) { // verify mode: PostgreSQL's own page is the oracle
            var mismatch = ConsistencyCheck.compare(rec, b, after);
            if (mismatch.isPresent()) {
                options.observer().mismatch(ref, type, mismatch.get());
                storeImage(ctx, rf, b, imageAfter(rec, b));
                return;
            }
            options.observer().verified(type);
        }
        options.observer().redone(type);
        int chain = before == null ? 1 : before.chainLength() + 1;
        // A record that builds the page from nothing (a bulk insert's new page) carries about as many bytes as the
        // page holds: its image costs no more to store and saves every later reader the replay.
        if (chain >= IMAGE_AFTER_DELTAS || b.willInit()) {
            storeImage(ctx, rf, b, after);
        } else {
            relations.putDelta(ctx, rf, b.blockNumber(), PageVersion.DeltaCodec.encode(rec, b.blockId()), after, chain);
        }
    }

    private void redo(RecordContext ctx, RmgrRecord typed) {
        switch (typed) {
            case XlogRecord.Checkpoint c -> tracker.checkpoint(c.shutdown(), c.checkpoint());
            case XlogRecord.NextOid n -> tracker.nextOid(n.nextOid());
            case XactRecord x -> XactRedo.apply(ctx, x, relations, tracker);
            case ClogRecord c -> ClogRedo.apply(ctx, c, tracker);
            case MultiXactRecord m -> MultiXactRedo.apply(ctx, m, tracker);
            case RelMapRecord.Update u -> ctx.writes.put(KeyCodec.relmap(ref, u.tsId(), u.dbId(), ctx.lsn), u.mapFile());
            case SmgrRecord s -> SmgrRedo.apply(ctx, s, relations);
            case DbaseRecord d -> DatabaseRedo.apply(ctx, d, relations);
            case TablespaceRecord.Create c -> ctx.writes.put(KeyCodec.tablespace(ref, c.tablespaceId(), ctx.lsn),
                    c.location().getBytes(StandardCharsets.UTF_8));
            case TablespaceRecord.Drop d -> ctx.writes.put(KeyCodec.tablespace(ref, d.tablespaceId(), ctx.lsn), null);
            default -> {
                // block changes came as images; what else these records do lives outside the relation files
            }
        }
    }

    /**
     * A custom resource manager (an extension's, ids 128-255) may keep state anywhere: its images would be
     * stored, but nothing else it does could be, so the timeline stops rather than silently diverge.
     */
    private void requireKnownRmgr(DecodedRecord rec) {
        if (rec.rmgr() == null && !options.ignoredCustomRmgrs().contains(rec.rmid())) {
            throw new UnsupportedRecordException(ref, rec.lsn(), "record of custom resource manager "
                    + RmgrId.nameOf(rec.rmid()) + " (id " + rec.rmid() + "), which Cairn cannot interpret (if its"
                    + " records change nothing but the blocks they carry images of, restart the pageserver with"
                    + " --ignore-custom-rmgr " + rec.rmid() + ")");
        }
    }
}
