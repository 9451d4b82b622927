package dev.cairn.pageserver.read;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.gc.GarbageCollector;
import dev.cairn.pageserver.gc.GcResult;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;

/**
 * The read side of one timeline: GetPage@LSN, relation exists/size/list@LSN,
 * SLRU segments@LSN and basebackups@LSN. Every read first waits, up to a
 * deadline, for ingest to reach its LSN, so a compute never reads a page
 * older than the WAL it has already seen.
 */
public final class PageService {
    private final Timeline timeline;
    private final LsnWatch watch;
    private final Duration timeout;
    /** LSNs of reads in progress (with counts); guarded by itself, as is every move of the GC horizon. */
    private final TreeMap<Lsn, Integer> reading = new TreeMap<>();

    public PageService(Timeline timeline, LsnWatch watch, Duration timeout) {
        this.timeline = timeline;
        this.watch = watch;
        this.timeout = timeout;
    }

    /** A read at an LSN in progress: GC keeps its horizon at or below it until closed. */
    private interface ReadLease extends AutoCloseable {
        @Override
        void close();
    }

    /** Refuses LSNs that GC may have collected, then holds {@code lsn} against GC until the read is done. */
    private ReadLease lease(Lsn lsn) {
        synchronized (reading) {
            Lsn horizon = timeline.gcHorizon();
            if (lsn.isBefore(horizon)) {
                throw new LsnOutsideRetentionException(timeline.ref(), lsn, horizon);
            }
            reading.merge(lsn, 1, Integer::sum);
        }
        return () -> {
            synchronized (reading) {
                reading.computeIfPresent(lsn, (k, n) -> n == 1 ? null : n - 1);
            }
        };
    }

    /** Leases {@code lsn} and waits until ingest reached it; the caller closes the lease after reading. */
    private ReadLease ready(Lsn lsn) {
        ReadLease lease = lease(lsn);
        try {
            watch.await(lsn, timeout);
            return lease;
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * Garbage-collects this timeline up to {@code wanted}, or up to the oldest read in progress if that is
     * lower: a basebackup or page read that has started never loses a version it may still read.
     */
    public GcResult collectGarbage(GarbageCollector gc, Lsn wanted) {
        Lsn published;
        synchronized (reading) {
            Lsn target = reading.isEmpty() || wanted.isBefore(reading.firstKey()) ? wanted : reading.firstKey();
            published = gc.advanceHorizon(timeline, target);
        }
        return gc.dropSuperseded(timeline, published);
    }

    public byte[] getPage(RelFork rf, long block, Lsn lsn) {
        try (ReadLease l = ready(lsn)) {
            return timeline.page(rf, block, lsn);
        }
    }

    public boolean relationExists(RelFork rf, Lsn lsn) {
        try (ReadLease l = ready(lsn)) {
            return timeline.relState(rf, lsn) != null;
        }
    }

    /** Size in blocks, 0 for a fork that does not exist (as smgrnblocks after smgrexists fails). */
    public long relationSize(RelFork rf, Lsn lsn) {
        try (ReadLease l = ready(lsn)) {
            RelState s = timeline.relState(rf, lsn);
            return s == null ? 0 : s.nblocks();
        }
    }

    public List<RelFork> listRelations(Lsn lsn) {
        try (ReadLease l = ready(lsn)) {
            return List.copyOf(timeline.relForks(lsn).keySet());
        }
    }

    /** One SLRU segment file as PostgreSQL would have it (missing pages as zeroes), or null when none of its pages exist. */
    public byte[] slruSegment(SlruKind slru, long segment, Lsn lsn) {
        TreeMap<Long, byte[]> pages = new TreeMap<>();
        long first = segment * SlruKind.PAGES_PER_SEGMENT;
        try (ReadLease l = ready(lsn)) {
            for (long p = first; p < first + SlruKind.PAGES_PER_SEGMENT; p++) {
                byte[] page = timeline.slruPage(slru, p, lsn);
                if (page != null) {
                    pages.put(p - first, page);
                }
            }
        }
        if (pages.isEmpty()) {
            return null;
        }
        byte[] out = new byte[(int) (pages.lastKey() + 1) * PgConstants.BLCKSZ];
        pages.forEach((i, page) -> System.arraycopy(page, 0, out, (int) (i * PgConstants.BLCKSZ), PgConstants.BLCKSZ));
        return out;
    }

    /**
     * Waits up to {@code wait} for ingest to reach {@code lsn} and prepares the basebackup there. The LSN is
     * held against GC until the returned basebackup is closed, so every version it streams is still there.
     */
    public LeasedBasebackup openBasebackup(Lsn lsn, Duration wait) {
        ReadLease lease = lease(lsn);
        try {
            watch.await(lsn, wait);
            return new LeasedBasebackup(new Basebackup(timeline).prepare(lsn), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    public Basebackup.Result basebackup(Lsn lsn, OutputStream out) {
        try (LeasedBasebackup b = openBasebackup(lsn, timeout)) {
            return b.prepared().writeTo(out);
        }
    }

    /** A prepared basebackup and the lease that keeps its LSN from GC; close it once written. */
    public static final class LeasedBasebackup implements AutoCloseable {
        private final Basebackup.Prepared prepared;
        private final ReadLease lease;

        private LeasedBasebackup(Basebackup.Prepared prepared, ReadLease lease) {
            this.prepared = prepared;
            this.lease = lease;
        }

        public Basebackup.Prepared prepared() {
            return prepared;
        }

        @Override
        public void close() {
            lease.close();
        }
    }
}
