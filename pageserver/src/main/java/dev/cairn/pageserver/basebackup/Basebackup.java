package dev.cairn.pageserver.basebackup;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.pgformat.DatabasePath;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.control.ControlFile;
import dev.cairn.pgformat.control.ControlFileCodec;
import dev.cairn.pgformat.wal.synth.RecordPosition;
import dev.cairn.pgformat.wal.synth.SyntheticCheckpointSegment;
import dev.cairn.pgformat.wal.synth.WalSegmentFile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * A tar of a data directory from which stock PostgreSQL starts at an LSN
 * without recovery (DESIGN.md 2.2): every relation fork, SLRUs, relmapper
 * files, two-phase state, configuration, a generated global/pg_control and a
 * pg_wal segment holding a synthetic shutdown checkpoint at exactly that LSN.
 * Pages are read and written one at a time: the database is never held in memory.
 */
public final class Basebackup {
    static final List<String> EMPTY_DIRECTORIES = List.of("pg_commit_ts", "pg_dynshmem", "pg_logical",
            "pg_logical/mappings", "pg_logical/snapshots", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots",
            "pg_stat", "pg_stat_tmp", "pg_subtrans", "pg_tblspc", "pg_twophase", "pg_xact", "pg_multixact",
            "pg_multixact/offsets", "pg_multixact/members", "pg_wal", "pg_wal/archive_status", "global", "base");
    static final String MINIMAL_POSTGRESQL_CONF = "# written by the Cairn pageserver; the compute passes its settings\n";
    static final String MINIMAL_PG_HBA_CONF = "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n";

    private final Timeline timeline;

    public Basebackup(Timeline timeline) {
        this.timeline = timeline;
    }

    /**
     * What a basebackup holds: the LSN the server starts at (the synthetic
     * checkpoint's location, where it writes its next record), the record
     * boundary it was taken at, and the tar size.
     */
    public record Result(Lsn startLsn, Lsn prevRecord, Lsn dataLsn, long bytes, long relationForks, long pages) {
    }

    /** The basebackup at the end of the ingested WAL. */
    public Result writeLatest(OutputStream out) {
        return write(timeline.position().end(), out);
    }

    /**
     * Where a basebackup at {@code lsn} is taken: the last record boundary at or before it, and the
     * position of the synthetic checkpoint (where the new server writes next). Known before any byte is
     * written, so a server can announce it up front.
     */
    public record Plan(Timeline.RecordBoundary boundary, Lsn startLsn) {
        public Lsn dataLsn() {
            return boundary.end();
        }

        public Lsn prevRecordLsn() {
            return boundary.start();
        }
    }

    public Plan plan(Lsn lsn) {
        IngestPosition pos = timeline.position();
        if (lsn.isAfter(pos.end())) {
            throw new TimelineStateException(timeline.ref(), "basebackup at " + lsn + " requested, but WAL is ingested only up to "
                    + pos.end());
        }
        if (lsn.isBefore(pos.importLsn())) {
            throw new TimelineStateException(timeline.ref(), "basebackup at " + lsn + " requested, before the timeline's start "
                    + pos.importLsn());
        }
        Timeline.RecordBoundary boundary = timeline.boundaryAtOrBefore(lsn);
        int segmentSize = timeline.controlFile().build().xlogSegSize();
        return new Plan(boundary, RecordPosition.firstAtOrAfter(boundary.end(), segmentSize));
    }

    /**
     * The basebackup at the last record boundary at or before {@code lsn}
     * (within the ingested WAL, not before the import).
     */
    public Result write(Lsn lsn, OutputStream out) {
        return prepare(lsn).writeTo(out);
    }

    /**
     * Reads everything of the basebackup at {@code lsn} but the relation pages, so its exact size is known
     * before the first byte is sent (a server can declare its length, a client can tell a cut-short stream).
     * The pages are read by {@link Prepared#writeTo}; the caller keeps {@code lsn} from GC until then.
     */
    public Prepared prepare(Lsn lsn) {
        Plan plan = plan(lsn);
        Timeline.RecordBoundary boundary = plan.boundary();
        Lsn at = boundary.end();
        ControlFile base = timeline.controlFile();
        PgVersion version = versionOf(base);
        int segmentSize = base.build().xlogSegSize();
        Lsn start = plan.startLsn();
        long now = Instant.now().getEpochSecond();
        CheckPoint tracked = timeline.checkpoint(at);
        // a shutdown checkpoint lists no running transactions; prepared ones come from pg_twophase
        CheckPoint checkpoint = new CheckPoint(start, tracked.thisTimeline(), tracked.thisTimeline(),
                tracked.fullPageWrites(), tracked.nextFullXid(), tracked.nextOid(), tracked.nextMulti(),
                tracked.nextMultiOffset(), tracked.oldestXid(), tracked.oldestXidDb(), tracked.oldestMulti(),
                tracked.oldestMultiDb(), now, tracked.oldestCommitTsXid(), tracked.newestCommitTsXid(), 0);
        SyntheticCheckpointSegment synthetic = new SyntheticCheckpointSegment(start, boundary.start(),
                base.systemIdentifier(), segmentSize, checkpoint);
        ControlFile control = synthetic.controlFile(base, now);

        List<Entry> entries = new ArrayList<>();
        for (String dir : EMPTY_DIRECTORIES) {
            entries.add(new Directory(dir));
        }
        entries.add(new RegularFile("PG_VERSION", versionFile(version)));
        addConfig(entries);
        addRelations(entries, at, version);
        addSlrus(entries, at);
        addTwophase(entries, at);
        entries.add(new RegularFile(ControlFileCodec.RELATIVE_PATH, ControlFileCodec.encode(control)));
        for (WalSegmentFile f : synthetic.files()) {
            entries.add(new RegularFile("pg_wal/" + f.fileName(), f.bytes()));
        }
        return new Prepared(plan, List.copyOf(entries), control.dataChecksumsEnabled(),
                control.build().relsegSize());
    }

    /** A basebackup whose every entry is decided and whose size is known; the relation pages are read as it is written. */
    public final class Prepared {
        private final Plan plan;
        private final List<Entry> entries;
        private final boolean checksums;
        private final long relseg;
        private final long size;

        private Prepared(Plan plan, List<Entry> entries, boolean checksums, long relseg) {
            this.plan = plan;
            this.entries = entries;
            this.checksums = checksums;
            this.relseg = relseg;
            this.size = entries.stream().mapToLong(e -> e.tarBytes(relseg)).sum() + TarWriter.END_BYTES;
        }

        public Plan plan() {
            return plan;
        }

        /** The tar's exact length in bytes. */
        public long size() {
            return size;
        }

        public Result writeTo(OutputStream out) {
            Lsn at = plan.dataLsn();
            long forks = 0;
            long pages = 0;
            try (PageStore.Scanner scanner = timeline.store().scanner()) {
                TarWriter tar = new TarWriter(out);
                for (Entry e : entries) {
                    switch (e) {
                        case Directory d -> tar.directory(d.path());
                        case RegularFile f -> tar.file(f.path(), f.content());
                        case Fork f -> {
                            pages += writeFork(tar, timeline, scanner, f, at, checksums, relseg);
                            forks++;
                        }
                    }
                }
                tar.finish();
                if (tar.bytesWritten() != size) {
                    throw new IllegalStateException("basebackup of " + timeline.ref() + " at " + at + " came to "
                            + tar.bytesWritten() + " bytes, " + size + " were announced");
                }
                return new Result(plan.startLsn(), plan.prevRecordLsn(), at, size, forks, pages);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write basebackup of " + timeline.ref() + " at " + at, e);
            }
        }
    }

    /** One tar entry of a basebackup. */
    private sealed interface Entry {
        long tarBytes(long relseg);
    }

    private record Directory(String path) implements Entry {
        @Override
        public long tarBytes(long relseg) {
            return TarWriter.directoryBytes(path);
        }
    }

    private record RegularFile(String path, byte[] content) implements Entry {
        @Override
        public long tarBytes(long relseg) {
            return TarWriter.fileBytes(path, content.length);
        }
    }

    /** A relation fork's segment files, with {@code source}'s pages written under {@code path}, its target's name. */
    private record Fork(RelFork source, String path, RelState state) implements Entry {
        @Override
        public long tarBytes(long relseg) {
            return ForkFileWriter.tarBytes(path, state.nblocks(), relseg);
        }
    }

    private void addConfig(List<Entry> entries) {
        for (String name : List.of("postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf")) {
            String content = timeline.configFile(name);
            if (content == null) {
                content = switch (name) {
                    case "postgresql.conf" -> MINIMAL_POSTGRESQL_CONF;
                    case "pg_hba.conf" -> MINIMAL_PG_HBA_CONF;
                    default -> "";
                };
            }
            entries.add(new RegularFile(name, content.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Tablespace and database directories, relmapper files and relation forks. Every tablespace is laid
     * out in place, as a directory pg_tblspc/OID rather than a symlink to its location: the compute's data
     * directory is disposable and its tablespaces must die with it (DESIGN.md 4).
     */
    private void addRelations(List<Entry> entries, Lsn at, PgVersion version) {
        Map<RelFork, RelState> forks = timeline.relForks(at);
        Map<Timeline.DatabaseDir, byte[]> relmaps = timeline.relmaps(at);
        Set<Long> tablespaces = new TreeSet<>(timeline.tablespaces(at).keySet());
        Set<Timeline.DatabaseDir> dirs = new TreeSet<>(Comparator.comparingLong(Timeline.DatabaseDir::spcOid)
                .thenComparingLong(Timeline.DatabaseDir::dbOid));
        dirs.addAll(relmaps.keySet());
        for (RelFork rf : forks.keySet()) {
            dirs.add(new Timeline.DatabaseDir(rf.rel().spcOid(), rf.rel().dbOid()));
        }
        for (Timeline.DatabaseDir dir : dirs) {
            if (!DatabasePath.isBuiltinTablespace(dir.spcOid())) {
                tablespaces.add(dir.spcOid()); // one it holds relations of exists, whatever its record said
            }
        }
        for (long spc : tablespaces) {
            entries.add(new Directory(DatabasePath.tablespaceDirectory(spc)));
            entries.add(new Directory(DatabasePath.tablespaceVersionDirectory(version, spc)));
        }
        for (Timeline.DatabaseDir dir : dirs) {
            String path = dir.path(version);
            byte[] map = relmaps.get(dir);
            if (dir.dbOid() != 0) {
                entries.add(new Directory(path));
                // only a database's own directory has PG_VERSION: DROP TABLESPACE refuses a directory holding files
                if (map != null || dir.spcOid() == RelFileLocator.DEFAULTTABLESPACE_OID) {
                    entries.add(new RegularFile(path + "/PG_VERSION", versionFile(version)));
                }
            }
            if (map != null) {
                entries.add(new RegularFile(path + "/pg_filenode.map", map));
            }
        }
        for (Map.Entry<RelFork, RelState> e : forks.entrySet()) { // key order: the scanner reads ahead into the next fork
            RelFork rf = e.getKey();
            if (rf.fork() != ForkNumber.INIT && forks.containsKey(rf.withFork(ForkNumber.INIT))) {
                continue; // never WAL-logged: rebuilt from the init fork below
            }
            entries.add(new Fork(rf, forkPath(rf, version), e.getValue()));
            if (rf.fork() == ForkNumber.INIT) {
                // the main fork of an unlogged relation starts as a copy of its init fork
                entries.add(new Fork(rf, forkPath(rf.withFork(ForkNumber.MAIN), version), e.getValue()));
            }
        }
    }

    /**
     * One fork, read by a forward scan of its page keys (the newest version of each block at
     * {@code at}), not a seek per block: the scan is what makes a basebackup run at disk speed.
     */
    private static long writeFork(TarWriter tar, Timeline timeline, PageStore.Scanner scanner, Fork fork, Lsn at,
                                  boolean checksums, long relseg) throws IOException {
        ForkFileWriter writer = new ForkFileWriter(tar, fork.path(), fork.state().nblocks(), relseg, checksums);
        try {
            timeline.forEachStoredPage(scanner, fork.source(), at, fork.state(), (block, image) -> {
                try {
                    writer.page(block, image);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return writer.finish();
    }

    /** A fork's first segment file, relative to the data directory. */
    private static String forkPath(RelFork fork, PgVersion version) {
        return new Timeline.DatabaseDir(fork.rel().spcOid(), fork.rel().dbOid()).path(version) + "/"
                + fork.rel().relNumber() + (fork.fork() == ForkNumber.MAIN ? "" : "_" + fork.fork().pgName);
    }

    /** SLRU segment files, missing pages as zeroes, each only as long as its last page present. */
    private void addSlrus(List<Entry> entries, Lsn at) {
        for (SlruKind slru : SlruKind.values()) {
            TreeMap<Long, TreeMap<Long, byte[]>> bySegment = new TreeMap<>();
            for (Map.Entry<Long, byte[]> e : timeline.slruPages(slru, at).entrySet()) {
                bySegment.computeIfAbsent(e.getKey() / SlruKind.PAGES_PER_SEGMENT, k -> new TreeMap<>())
                        .put(e.getKey() % SlruKind.PAGES_PER_SEGMENT, e.getValue());
            }
            for (Map.Entry<Long, TreeMap<Long, byte[]>> seg : bySegment.entrySet()) {
                byte[] file = new byte[(int) (seg.getValue().lastKey() + 1) * PgConstants.BLCKSZ];
                seg.getValue().forEach((page, image) ->
                        System.arraycopy(image, 0, file, (int) (page * PgConstants.BLCKSZ), PgConstants.BLCKSZ));
                entries.add(new RegularFile(slru.directory + "/" + SlruKind.segmentFileName(seg.getKey()), file));
            }
        }
    }

    /** pg_twophase/XID: the state from the PREPARE record followed by its CRC-32C, as EndPrepare writes it. */
    private void addTwophase(List<Entry> entries, Lsn at) {
        for (Map.Entry<Long, byte[]> e : timeline.preparedTransactions(at).entrySet()) {
            byte[] state = e.getValue();
            CRC32C crc = new CRC32C();
            crc.update(state);
            byte[] file = new byte[state.length + 4];
            System.arraycopy(state, 0, file, 0, state.length);
            ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(state.length, (int) crc.getValue());
            entries.add(new RegularFile(String.format("pg_twophase/%08X", e.getKey()), file));
        }
    }

    private static byte[] versionFile(PgVersion version) {
        return (version.major + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static PgVersion versionOf(ControlFile base) {
        return PgVersion.forCatalogVersion(base.catalogVersionNo());
    }
}
