package dev.cairn.pageserver.store;

import dev.cairn.pageserver.api.Ancestry;

import dev.cairn.pageserver.RelFork;
import dev.cairn.common.TimelineKey;
import dev.cairn.pgformat.DatabasePath;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.control.ControlFile;
import dev.cairn.pgformat.control.ControlFileCodec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed reads of one timeline at an LSN: pages, relation sizes, SLRU pages,
 * relmapper files, two-phase state, checkpoint fields, and the listings a
 * basebackup needs. Reads go through a {@link VersionSource} (the store, or a
 * pending write set during redo); listings scan the store.
 */
public final class Timeline {
    private static final byte[] ZERO_PAGE = new byte[PgConstants.BLCKSZ];

    private final PageStore store;
    private final TimelineKey ref;
    private final VersionSource source;

    public Timeline(PageStore store, TimelineKey ref) {
        this(store, ref, store);
    }

    private Timeline(PageStore store, TimelineKey ref, VersionSource source) {
        this.store = store;
        this.ref = ref;
        this.source = source;
    }

    /** The same timeline read through another source (a write set, a cursor). */
    public Timeline through(VersionSource other) {
        return new Timeline(store, ref, other);
    }

    public TimelineKey ref() {
        return ref;
    }

    public PageStore store() {
        return store;
    }

    // ---------------------------------------------------------------- relations

    /** The fork's state at {@code lsn}, or null when it does not exist then. */
    public RelState relState(RelFork rf, Lsn lsn) {
        Versioned v = source.latest(KeyCodec.relSize(ref, rf, lsn));
        return v == null || v.isTombstone() ? null : RelState.decode(v.value());
    }

    /**
     * GetPage@LSN: the block as of {@code lsn}. A block inside the fork with no
     * stored image (never written through WAL, e.g. left empty by bulk
     * extension) reads as zeroes, as PostgreSQL reads a new page.
     *
     * @throws PageNotFoundException when the fork does not exist at {@code lsn} or is shorter
     */
    public byte[] page(RelFork rf, long block, Lsn lsn) {
        RelState state = relState(rf, lsn);
        if (state == null) {
            throw new PageNotFoundException(ref, rf, block, lsn, "the relation fork does not exist");
        }
        if (block >= state.nblocks()) {
            throw new PageNotFoundException(ref, rf, block, lsn, "the fork has " + state.nblocks() + " blocks");
        }
        byte[] image = storedPage(rf, block, lsn, state);
        return image != null ? image : ZERO_PAGE.clone();
    }

    /**
     * The block at {@code lsn} of the given incarnation, materialised from its newest image and the deltas
     * after it, or null when it has no version (it reads as zeroes). The array is the caller's.
     */
    public byte[] storedPage(RelFork rf, long block, Lsn lsn, RelState state) {
        PageMaterializer.Materialized m = materialized(rf, block, lsn, state);
        return m == null ? null : m.page().clone();
    }

    /** The materialised block with its version LSN and delta-chain length, or null; the page array is shared. */
    public PageMaterializer.Materialized materialized(RelFork rf, long block, Lsn lsn, RelState state) {
        return PageMaterializer.materialize(source, store.pageCache(), ref, rf, block, lsn, state);
    }

    /**
     * The fork's blocks at {@code lsn}, in ascending block order, from one forward scan by {@code scanner}: a
     * block whose newest version is a delta is materialised from the versions that scan read, with no seek back;
     * blocks without a version of this incarnation (they read as zeroes) and blocks at or past {@code state}'s
     * size are skipped.
     */
    public void forEachStoredPage(PageStore.Scanner scanner, RelFork rf, Lsn lsn, RelState state, StoredPageVisitor visitor) {
        scanner.scanHistories(KeyCodec.pagePrefix(ref, rf), lsn, (entity, history) -> {
            long block = KeyCodec.blockOf(entity);
            if (block < state.nblocks()) {
                PageMaterializer.Materialized m = PageMaterializer.materialize(history, store.pageCache(), ref, rf,
                        block, lsn, state);
                if (m != null) {
                    visitor.visit(block, m.page().clone());
                }
            }
        });
    }

    /** Receives one stored page image. */
    @FunctionalInterface
    public interface StoredPageVisitor {
        void visit(long block, byte[] image);
    }

    /** Every relation fork that exists at {@code lsn}, in key order (spc, db, rel, fork). */
    public Map<RelFork, RelState> relForks(Lsn lsn) {
        Map<RelFork, RelState> out = new LinkedHashMap<>();
        store.scanLatest(KeyCodec.kindPrefix(ref, KeyKind.REL_SIZE), lsn, (entity, v) -> {
            if (!v.isTombstone()) {
                out.put(KeyCodec.relForkOf(entity), RelState.decode(v.value()));
            }
        });
        return out;
    }

    /** The database's size at {@code lsn} as PostgreSQL would count it: every relation fork, in bytes. */
    public long logicalSize(Lsn lsn) {
        return relForks(lsn).values().stream().mapToLong(RelState::nblocks).sum() * PgConstants.BLCKSZ;
    }

    // ---------------------------------------------------------------- relmapper files

    public byte[] relmap(long spc, long db, Lsn lsn) {
        Versioned v = source.latest(KeyCodec.relmap(ref, spc, db, lsn));
        return v == null ? null : v.value();
    }

    /** The relmapper files that exist at {@code lsn}: (spc, db) -> content. */
    public Map<DatabaseDir, byte[]> relmaps(Lsn lsn) {
        Map<DatabaseDir, byte[]> out = new LinkedHashMap<>();
        store.scanLatest(KeyCodec.kindPrefix(ref, KeyKind.RELMAP), lsn, (entity, v) -> {
            if (!v.isTombstone()) {
                long[] id = KeyCodec.relmapIdOf(entity);
                out.put(new DatabaseDir(id[0], id[1]), v.value());
            }
        });
        return out;
    }

    /** A database directory: global for the shared catalogs, base/DB, or DB in another tablespace. */
    public record DatabaseDir(long spcOid, long dbOid) {
        public String path(PgVersion version) {
            return DatabasePath.of(version, spcOid, dbOid);
        }
    }

    // ---------------------------------------------------------------- tablespaces

    /** The tablespaces other than pg_default and pg_global that exist at {@code lsn}: OID -> location ("" in place). */
    public Map<Long, String> tablespaces(Lsn lsn) {
        Map<Long, String> out = new TreeMap<>();
        store.scanLatest(KeyCodec.kindPrefix(ref, KeyKind.TABLESPACE), lsn, (entity, v) -> {
            if (!v.isTombstone()) {
                out.put(KeyCodec.tablespaceIdOf(entity), new String(v.value(), StandardCharsets.UTF_8));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- SLRUs and two-phase state

    /** The SLRU page at {@code lsn}, or null when absent (never written, or truncated away). */
    public byte[] slruPage(SlruKind slru, long page, Lsn lsn) {
        Versioned v = source.latest(KeyCodec.slru(ref, slru, page, lsn));
        return v == null ? null : v.value();
    }

    /** All pages of an SLRU at {@code lsn}, by page number. */
    public TreeMap<Long, byte[]> slruPages(SlruKind slru, Lsn lsn) {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        store.scanLatest(KeyCodec.slruPrefix(ref, slru), lsn, (entity, v) -> {
            if (!v.isTombstone()) {
                out.put(KeyCodec.slruPageOf(entity), v.value());
            }
        });
        return out;
    }

    public byte[] twophase(long xid, Lsn lsn) {
        Versioned v = source.latest(KeyCodec.twophase(ref, xid, lsn));
        return v == null ? null : v.value();
    }

    /** Two-phase state of the transactions prepared and not finished at {@code lsn}: xid -> state. */
    public TreeMap<Long, byte[]> preparedTransactions(Lsn lsn) {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        store.scanLatest(KeyCodec.kindPrefix(ref, KeyKind.TWOPHASE), lsn, (entity, v) -> {
            if (!v.isTombstone()) {
                out.put(KeyCodec.twophaseXidOf(entity), v.value());
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- timeline metadata

    /** The checkpoint fields in force after the last record ending at or before {@code lsn}. */
    public CheckPoint checkpoint(Lsn lsn) {
        Versioned v = source.latest(KeyCodec.checkpoint(ref, lsn));
        if (v == null) {
            throw new TimelineStateException(ref, "no checkpoint state at or before " + lsn + " (before the import?)");
        }
        return CheckPoint.read(ByteBuffer.wrap(v.value()));
    }

    /** The record that ends at or before {@code lsn} and is the last such one: (start, end). */
    public RecordBoundary boundaryAtOrBefore(Lsn lsn) {
        Versioned v = source.latest(KeyCodec.boundary(ref, lsn));
        if (v == null) {
            throw new TimelineStateException(ref, "no WAL record ends at or before " + lsn);
        }
        return new RecordBoundary(Lsn.of(ByteBuffer.wrap(v.value()).getLong()), v.lsn());
    }

    /** A WAL record's extent: its start and the position just after its last byte. */
    public record RecordBoundary(Lsn start, Lsn end) {
        public byte[] encodeStart() {
            return ByteBuffer.allocate(8).putLong(start.value()).array();
        }
    }

    public ControlFile controlFile() {
        byte[] b = store.get(KeyCodec.control(ref));
        if (b == null) {
            throw new TimelineStateException(ref, "the timeline has no imported pg_control (not created?)");
        }
        return ControlFileCodec.decode(b, "stored pg_control of " + ref);
    }

    public IngestPosition position() {
        byte[] b = store.get(KeyCodec.position(ref));
        if (b == null) {
            throw new TimelineStateException(ref, "the timeline does not exist");
        }
        return IngestPosition.decode(b);
    }

    /** The LSN below which versions may have been collected, or {@link Lsn#INVALID} before any GC. */
    public Lsn gcHorizon() {
        byte[] b = store.get(KeyCodec.gcHorizon(ref));
        return b == null ? Lsn.INVALID : Lsn.of(java.nio.ByteBuffer.wrap(b).getLong());
    }

    /** Where this timeline was branched from, or null when it was created from initdb or an import. */
    public Ancestry ancestry() {
        byte[] b = store.get(KeyCodec.ancestry(ref));
        return b == null ? null : Ancestry.decode(b);
    }

    public boolean exists() {
        return store.get(KeyCodec.position(ref)) != null;
    }

    /** A configuration file kept from the import (postgresql.conf, pg_hba.conf, ...), or null. */
    public String configFile(String name) {
        byte[] b = store.get(KeyCodec.configFile(ref, name));
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
