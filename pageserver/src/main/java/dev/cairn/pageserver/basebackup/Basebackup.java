package dev.cairn.pageserver.basebackup;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.Lsn;
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
        Plan plan = plan(lsn);
        Timeline.RecordBoundary boundary = plan.boundary();
        Lsn at = boundary.end();
        ControlFile base = timeline.controlFile();
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
        try {
            TarWriter tar = new TarWriter(out);
            for (String dir : EMPTY_DIRECTORIES) {
                tar.directory(dir);
            }
            tar.file("PG_VERSION", versionFile(base));
            writeConfig(tar);
            long[] counts = writeRelations(tar, at, control, base);
            writeSlrus(tar, at);
            writeTwophase(tar, at);
            tar.file(ControlFileCodec.RELATIVE_PATH, ControlFileCodec.encode(control));
            for (WalSegmentFile f : synthetic.files()) {
                tar.file("pg_wal/" + f.fileName(), f.bytes());
            }
            tar.finish();
            return new Result(start, boundary.start(), at, tar.bytesWritten(), counts[0], counts[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write basebackup of " + timeline.ref() + " at " + at, e);
        }
    }

    private void writeConfig(TarWriter tar) throws IOException {
        for (String name : List.of("postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf")) {
            String content = timeline.configFile(name);
            if (content == null) {
                content = switch (name) {
                    case "postgresql.conf" -> MINIMAL_POSTGRESQL_CONF;
                    case "pg_hba.conf" -> MINIMAL_PG_HBA_CONF;
                    default -> "";
                };
            }
            tar.file(name, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Database directories, relmapper files and relation forks; returns {forks, non-zero pages}. */
    private long[] writeRelations(TarWriter tar, Lsn at, ControlFile control, ControlFile base) throws IOException {
        Map<RelFork, RelState> forks = timeline.relForks(at);
        Map<Timeline.DatabaseDir, byte[]> relmaps = timeline.relmaps(at);
        Set<Timeline.DatabaseDir> dirs = new TreeSet<>((a, b) -> Long.compare(a.dbOid(), b.dbOid()));
        dirs.addAll(relmaps.keySet());
        for (RelFork rf : forks.keySet()) {
            requireSupportedTablespace(rf.rel().spcOid());
            dirs.add(new Timeline.DatabaseDir(rf.rel().spcOid(), rf.rel().dbOid()));
        }
        for (Timeline.DatabaseDir dir : dirs) {
            if (dir.dbOid() != 0) {
                tar.directory(dir.path());
                tar.file(dir.path() + "/PG_VERSION", versionFile(base));
            }
            byte[] map = relmaps.get(dir);
            if (map != null) {
                tar.file(dir.path() + "/pg_filenode.map", map);
            }
        }
        boolean checksums = control.dataChecksumsEnabled();
        long relseg = control.build().relsegSize();
        long written = 0;
        long pages = 0;
        try (PageStore.Scanner scanner = timeline.store().scanner()) {
            for (Map.Entry<RelFork, RelState> e : forks.entrySet()) { // key order: the scanner reads ahead into the next fork
                RelFork rf = e.getKey();
                if (rf.fork() != ForkNumber.INIT && forks.containsKey(rf.withFork(ForkNumber.INIT))) {
                    continue; // never WAL-logged: rebuilt from the init fork below
                }
                pages += writeFork(tar, timeline, scanner, rf, rf, e.getValue(), at, checksums, relseg);
                written++;
                if (rf.fork() == ForkNumber.INIT) {
                    // the main fork of an unlogged relation starts as a copy of its init fork
                    pages += writeFork(tar, timeline, scanner, rf, rf.withFork(ForkNumber.MAIN), e.getValue(), at, checksums, relseg);
                    written++;
                }
            }
        }
        return new long[] {written, pages};
    }

    /**
     * One fork, read by a forward scan of its page keys (the newest version of each block at
     * {@code at}), not a seek per block: the scan is what makes a basebackup run at disk speed.
     */
    private static long writeFork(TarWriter tar, Timeline timeline, PageStore.Scanner scanner, RelFork source, RelFork target, RelState state, Lsn at,
                                  boolean checksums, long relseg) throws IOException {
        String path = new Timeline.DatabaseDir(target.rel().spcOid(), target.rel().dbOid()).path() + "/"
                + target.rel().relNumber() + (target.fork() == ForkNumber.MAIN ? "" : "_" + target.fork().pgName);
        ForkFileWriter writer = new ForkFileWriter(tar, path, state.nblocks(), relseg, checksums);
        try {
            timeline.forEachStoredPage(scanner, source, at, state, (block, image) -> {
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

    private void writeSlrus(TarWriter tar, Lsn at) throws IOException {
        for (SlruKind slru : SlruKind.values()) {
            TreeMap<Long, TreeMap<Long, byte[]>> bySegment = new TreeMap<>();
            for (Map.Entry<Long, byte[]> e : timeline.slruPages(slru, at).entrySet()) {
                bySegment.computeIfAbsent(e.getKey() / SlruKind.PAGES_PER_SEGMENT, k -> new TreeMap<>())
                        .put(e.getKey() % SlruKind.PAGES_PER_SEGMENT, e.getValue());
            }
            for (Map.Entry<Long, TreeMap<Long, byte[]>> seg : bySegment.entrySet()) {
                long pagesInFile = seg.getValue().lastKey() + 1;
                tar.beginFile(slru.directory + "/" + SlruKind.segmentFileName(seg.getKey()), pagesInFile * PgConstants.BLCKSZ);
                byte[] zero = new byte[PgConstants.BLCKSZ];
                for (long p = 0; p < pagesInFile; p++) {
                    byte[] page = seg.getValue().getOrDefault(p, zero);
                    tar.write(page, 0, page.length);
                }
                tar.endFile();
            }
        }
    }

    /** pg_twophase/XID: the state from the PREPARE record followed by its CRC-32C, as EndPrepare writes it. */
    private void writeTwophase(TarWriter tar, Lsn at) throws IOException {
        for (Map.Entry<Long, byte[]> e : timeline.preparedTransactions(at).entrySet()) {
            byte[] state = e.getValue();
            CRC32C crc = new CRC32C();
            crc.update(state);
            byte[] file = new byte[state.length + 4];
            System.arraycopy(state, 0, file, 0, state.length);
            ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(state.length, (int) crc.getValue());
            tar.file(String.format("pg_twophase/%08X", e.getKey()), file);
        }
    }

    /** PG_VERSION: the major version whose catalog version pg_control carries. */
    private static byte[] versionFile(ControlFile base) {
        for (PgVersion v : PgVersion.values()) {
            if (v.catalogVersion == base.catalogVersionNo()) {
                return (v.major + "\n").getBytes(StandardCharsets.US_ASCII);
            }
        }
        throw new IllegalStateException("pg_control has catalog version " + base.catalogVersionNo()
                + ", which no supported PostgreSQL version has");
    }

    private void requireSupportedTablespace(long spc) {
        if (spc != RelFileLocator.DEFAULTTABLESPACE_OID && spc != RelFileLocator.GLOBALTABLESPACE_OID) {
            throw new TimelineStateException(timeline.ref(), "relation in tablespace " + spc
                    + ": only pg_default and pg_global are supported");
        }
    }
}
