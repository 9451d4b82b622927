package dev.cairn.pageserver.importer;

import dev.cairn.pageserver.RelFork;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.pgformat.DatabasePath;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.control.ControlFile;
import dev.cairn.pgformat.control.ControlFileCodec;
import dev.cairn.pgformat.control.DbState;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Creates a timeline from a cleanly shut down stock data directory (a fresh
 * initdb, or a stopped cluster): every relation fork as page images at the
 * checkpoint LSN in pg_control, SLRUs, relmapper files, two-phase state, the
 * configuration files, and pg_control itself (identity and settings for the
 * pg_control of later basebackups). Unlogged relations keep only their init
 * fork: their other forks are never WAL-logged, so a basebackup rebuilds the
 * main fork from the init fork, as crash recovery does.
 */
public final class DataDirImport {
    private static final Pattern REL_FILE = Pattern.compile("(\\d+)(?:_(fsm|vm|init))?(?:\\.(\\d+))?");
    private static final Pattern SLRU_FILE = Pattern.compile("[0-9A-F]{4,6}");
    private static final Pattern TWOPHASE_FILE = Pattern.compile("[0-9A-F]{8}");
    public static final List<String> CONFIG_FILES =
            List.of("postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf");
    private static final long FLUSH_BYTES = 32L << 20;

    private final PageStore store;
    private final TimelineKey ref;
    private final Path dataDir;
    private WriteSet writes;
    private Lsn lsn;
    private long relsegBlocks;
    private long pages;

    private DataDirImport(PageStore store, TimelineKey ref, Path dataDir) {
        this.store = store;
        this.ref = ref;
        this.dataDir = dataDir;
    }

    /** What an import stored. */
    public record Result(Lsn lsn, long relationForks, long pages) {
    }

    /** Imports {@code dataDir} as the new timeline {@code ref}; returns the LSN it starts at. */
    public static Result run(PageStore store, TimelineKey ref, Path dataDir) {
        return new DataDirImport(store, ref, dataDir).run();
    }

    private Result run() {
        if (new Timeline(store, ref).exists()) {
            throw new ImportException(ref + " exists already");
        }
        ControlFile control = ControlFileCodec.readFromDataDirectory(dataDir);
        if (control.state() != DbState.SHUTDOWNED) {
            throw new ImportException(dataDir + " was not shut down cleanly (state " + control.state()
                    + "); stop the server with pg_ctl stop before importing (pg_basebackup output is not supported yet)");
        }
        lsn = control.checkPoint();
        relsegBlocks = control.build().relsegSize();
        writes = store.newWriteSet();
        int forks = importDatabaseDir(dataDir.resolve("global"), RelFileLocator.GLOBALTABLESPACE_OID, 0);
        for (Path db : list(dataDir.resolve("base"))) {
            String name = db.getFileName().toString();
            if (Files.isDirectory(db) && name.matches("\\d+")) {
                forks += importDatabaseDir(db, RelFileLocator.DEFAULTTABLESPACE_OID, Long.parseLong(name));
            }
        }
        forks += importTablespaces(versionOf(control));
        for (SlruKind slru : SlruKind.values()) {
            importSlru(slru);
        }
        importTwophase();
        for (String name : CONFIG_FILES) {
            Path f = dataDir.resolve(name);
            if (Files.isRegularFile(f)) {
                writes.put(KeyCodec.configFile(ref, name), read(f));
            }
        }
        writes.put(KeyCodec.control(ref), ControlFileCodec.encode(control));
        writes.put(KeyCodec.checkpoint(ref, lsn), control.checkPointCopy().toBytes());
        // the record before the import point is unknown: a basebackup there gets xl_prev 0, as pg_resetwal writes
        writes.put(KeyCodec.boundary(ref, lsn), new Timeline.RecordBoundary(Lsn.INVALID, lsn).encodeStart());
        writes.put(KeyCodec.position(ref), new IngestPosition(lsn, Lsn.INVALID, lsn).encode());
        writes.commit();
        return new Result(lsn, forks, pages);
    }

    /**
     * Imports pg_tblspc/OID, each a symlink to the tablespace's location or an in-place directory: its
     * version directory's database directories, like base/DB.
     */
    private int importTablespaces(PgVersion version) {
        int forks = 0;
        for (Path link : list(dataDir.resolve("pg_tblspc"))) {
            String name = link.getFileName().toString();
            if (!name.matches("\\d+")) {
                continue;
            }
            long spc = Long.parseLong(name);
            Path versionDir = link.resolve(DatabasePath.versionDirectoryName(version));
            if (!Files.isDirectory(versionDir)) {
                throw new ImportException("tablespace " + spc + " of " + dataDir + " has no " + versionDir.getFileName()
                        + " directory (" + link + " is " + (Files.isSymbolicLink(link) ? "a link to " + target(link)
                        : "not a link") + "): was it created by another PostgreSQL version?");
            }
            String location = Files.isSymbolicLink(link) ? target(link) : "";
            writes.put(KeyCodec.tablespace(ref, spc, lsn), location.getBytes(StandardCharsets.UTF_8));
            for (Path db : list(versionDir)) {
                String dbName = db.getFileName().toString();
                if (Files.isDirectory(db) && dbName.matches("\\d+")) {
                    forks += importDatabaseDir(db, spc, Long.parseLong(dbName));
                }
            }
        }
        return forks;
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tablespace link " + link, e);
        }
    }

    private PgVersion versionOf(ControlFile control) {
        try {
            return PgVersion.forCatalogVersion(control.catalogVersionNo());
        } catch (IllegalArgumentException e) {
            throw new ImportException("pg_control of " + dataDir + " has " + e.getMessage());
        }
    }

    /** Imports global/, base/DB or a database directory in a tablespace: relation files and pg_filenode.map. */
    private int importDatabaseDir(Path dir, long spc, long db) {
        Map<RelFork, TreeMap<Integer, Path>> segments = new TreeMap<>(
                (a, b) -> a.rel().relNumber() != b.rel().relNumber()
                        ? Long.compare(a.rel().relNumber(), b.rel().relNumber())
                        : Integer.compare(a.fork().number, b.fork().number));
        Set<Long> unlogged = new HashSet<>();
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            if (name.equals("pg_filenode.map")) {
                writes.put(KeyCodec.relmap(ref, spc, db, lsn), read(f));
                continue;
            }
            Matcher m = REL_FILE.matcher(name);
            if (!m.matches() || !Files.isRegularFile(f)) {
                continue; // PG_VERSION, pg_control, pg_internal.init, temp relations (tNNN_...)
            }
            long relNumber = Long.parseLong(m.group(1));
            ForkNumber fork = m.group(2) == null ? ForkNumber.MAIN : switch (m.group(2)) {
                case "fsm" -> ForkNumber.FSM;
                case "vm" -> ForkNumber.VISIBILITYMAP;
                default -> ForkNumber.INIT;
            };
            if (fork == ForkNumber.INIT) {
                unlogged.add(relNumber);
            }
            int segno = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            RelFork rf = new RelFork(new RelFileLocator(spc, db, relNumber), fork);
            segments.computeIfAbsent(rf, k -> new TreeMap<>()).put(segno, f);
        }
        int forks = 0;
        for (Map.Entry<RelFork, TreeMap<Integer, Path>> e : segments.entrySet()) {
            RelFork rf = e.getKey();
            if (unlogged.contains(rf.rel().relNumber()) && rf.fork() != ForkNumber.INIT) {
                continue;
            }
            importFork(rf, e.getValue());
            forks++;
        }
        return forks;
    }

    private void importFork(RelFork rf, TreeMap<Integer, Path> files) {
        long nblocks = 0;
        int expected = 0;
        for (Map.Entry<Integer, Path> seg : files.entrySet()) {
            if (seg.getKey() != expected++) {
                throw new ImportException("relation fork " + rf + " in " + dataDir + " lacks segment " + (expected - 1));
            }
            long first = seg.getKey() * relsegBlocks;
            try (InputStream in = Files.newInputStream(seg.getValue())) {
                byte[] page = new byte[PgConstants.BLCKSZ];
                long block = first;
                int n;
                while ((n = in.readNBytes(page, 0, page.length)) > 0) {
                    if (n != page.length) {
                        throw new ImportException(seg.getValue() + " is not a whole number of " + PgConstants.BLCKSZ
                                + "-byte pages");
                    }
                    if (!allZero(page)) {
                        writes.put(KeyCodec.page(ref, rf, block, lsn), page.clone());
                        pages++;
                    }
                    block++;
                }
                nblocks = block;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + seg.getValue(), e);
            }
            flushIfLarge();
        }
        writes.put(KeyCodec.relSize(ref, rf, lsn), new RelState(nblocks, lsn).encode());
    }

    private void importSlru(SlruKind slru) {
        for (Path f : list(dataDir.resolve(slru.directory))) {
            String name = f.getFileName().toString();
            if (!SLRU_FILE.matcher(name).matches()) {
                continue;
            }
            long segment = Long.parseLong(name, 16);
            byte[] content = read(f);
            for (int i = 0; i * PgConstants.BLCKSZ < content.length; i++) {
                byte[] page = new byte[PgConstants.BLCKSZ];
                System.arraycopy(content, i * PgConstants.BLCKSZ, page, 0,
                        Math.min(PgConstants.BLCKSZ, content.length - i * PgConstants.BLCKSZ));
                writes.put(KeyCodec.slru(ref, slru, segment * SlruKind.PAGES_PER_SEGMENT + i, lsn), page);
            }
        }
    }

    private void importTwophase() {
        for (Path f : list(dataDir.resolve("pg_twophase"))) {
            String name = f.getFileName().toString();
            if (!TWOPHASE_FILE.matcher(name).matches()) {
                continue;
            }
            byte[] content = read(f);
            if (content.length < 4) {
                throw new ImportException("two-phase state file " + f + " is too short");
            }
            // stored without the trailing CRC, like the PREPARE record's data; basebackups add it back
            writes.put(KeyCodec.twophase(ref, Long.parseLong(name, 16), lsn),
                    java.util.Arrays.copyOf(content, content.length - 4));
        }
    }

    private void flushIfLarge() {
        if (writes.pendingBytes() > FLUSH_BYTES) {
            writes.commit();
        }
    }

    private static boolean allZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }
}
