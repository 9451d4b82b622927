package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.PgWaldumpOutput;
import dev.cairn.pgformat.wal.PgWaldumpRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oracle test: WAL from stock PostgreSQL 15, decoded by the rmgr decoders and
 * checked against what SQL reported while it was written, against
 * pg_controldata and pg_visibility, and against pg_waldump's desc text.
 */
class RmgrOracleTest {
    private static final Set<RmgrId> DESCRIBED = EnumSet.of(RmgrId.XLOG, RmgrId.XACT, RmgrId.SMGR, RmgrId.CLOG,
            RmgrId.DBASE, RmgrId.MULTIXACT, RmgrId.RELMAP, RmgrId.STANDBY, RmgrId.HEAP, RmgrId.HEAP2);

    private static RmgrWorkload.Facts facts;
    private static List<DecodedRecord> records;
    private static Map<String, PgWaldumpRecord> waldump;
    private static Map<Long, int[]> finalVisibilityMap;
    private static byte[] relmapFile;
    private static Map<String, String> controldata;

    @BeforeAll
    static void writeWal() throws IOException {
        PgBinaries bin = PgBinaries.locate();
        try (ScratchDirectory scratch = ScratchDirectory.create("cairn-rmgr-oracle");
             PgCluster pg = PgCluster.initdb(bin, scratch.resolve("data"), List.of())) {
            pg.start(Map.of("wal_level", "logical", "max_prepared_transactions", "5", "track_commit_timestamp", "on",
                    "autovacuum", "off", "fsync", "off", "wal_keep_size", "1GB", "checkpoint_timeout", "1h"));
            Path tablespace = Files.createDirectories(scratch.resolve("tablespace"));
            pg.user().own(tablespace);
            facts = new RmgrWorkload(pg, tablespace).run();
            finalVisibilityMap = new HashMap<>();
            for (String line : pg.psql("SELECT blkno, all_visible, all_frozen FROM pg_visibility_map('t')").lines()
                    .toList()) {
                String[] f = line.split("\\|");
                finalVisibilityMap.put(Long.parseLong(f[0]), new int[]{f[1].equals("t") ? 1 : 0, f[2].equals("t") ? 1 : 0});
            }
            pg.stop("fast");

            relmapFile = Files.readAllBytes(pg.dataDir().resolve("base/" + facts.dbOid() + "/pg_filenode.map"));
            controldata = parseControldata(pg.tool("pg_controldata", List.of(pg.dataDir().toString()), 60)
                    .requireSuccess("pg_controldata").stdout());
            List<Path> segments = WalReader.listSegments(pg.walDir());
            waldump = new LinkedHashMap<>();
            for (PgWaldumpRecord r : PgWaldumpOutput.dump(pg, pg.walDir(), segments.get(0).getFileName().toString(),
                    segments.get(segments.size() - 1).getFileName().toString())) {
                waldump.put(r.lsn(), r);
            }
            records = new ArrayList<>();
            try (WalReader reader = WalReader.open(segments)) {
                DecodedRecord r;
                while ((r = reader.next()) != null) {
                    records.add(r);
                }
            } catch (WalFormatException e) {
                assertThat(e.isEndOfWal()).as(e.getMessage()).isTrue();
            }
        }
        assertThat(records).hasSameSizeAs(waldump.values());
    }

    private static Map<String, String> parseControldata(String text) {
        Map<String, String> out = new HashMap<>();
        text.lines().forEach(l -> {
            int colon = l.indexOf(':');
            if (colon > 0) {
                out.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
            }
        });
        return out;
    }

    private static <T> List<T> decoded(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (DecodedRecord r : records) {
            RmgrRecord d = RecordDecoder.decode(r);
            if (type.isInstance(d)) {
                out.add(type.cast(d));
            }
        }
        return out;
    }

    private static PgTimestamp fromEpoch(BigDecimal epochSeconds) {
        return new PgTimestamp(epochSeconds.subtract(BigDecimal.valueOf(PgTimestamp.POSTGRES_EPOCH_UNIX_SECONDS))
                .movePointRight(6).longValueExact());
    }

    @Test
    void descriptionsAndNamesMatchPgWaldump() {
        int described = 0;
        for (DecodedRecord r : records) {
            PgWaldumpRecord expected = waldump.get(r.lsn().toString());
            assertThat(expected).as("pg_waldump has a record at %s", r.lsn()).isNotNull();
            RmgrRecord decoded = RecordDecoder.decode(r); // must not throw for any real record
            String name = RecordTypeNames.display(r);
            assertThat(expected.desc()).as("type name at %s", r.lsn()).startsWith(name + " ");
            if (DESCRIBED.contains(r.rmgr())) {
                assertThat(RecordDescriber.describe(r)).as("desc at %s (%s)", r.lsn(), decoded.getClass().getSimpleName())
                        .isEqualTo(expected.desc());
                described++;
            }
        }
        assertThat(described).isGreaterThan(1000);
        Set<RmgrId> seen = EnumSet.noneOf(RmgrId.class);
        records.forEach(r -> seen.add(r.rmgr()));
        assertThat(seen).as("rmgrs in the WAL").containsAll(EnumSet.complementOf(EnumSet.of(RmgrId.COMMIT_TS)));
    }

    @Test
    void everyInterpretedKindAppears() {
        Set<Class<?>> kinds = new java.util.HashSet<>();
        for (DecodedRecord r : records) {
            kinds.add(RecordDecoder.decode(r).getClass());
        }
        assertThat(kinds).contains(XlogRecord.Checkpoint.class, XlogRecord.NextOid.class, XlogRecord.Switch.class,
                XlogRecord.BackupEnd.class, XlogRecord.ParameterChange.class, XlogRecord.RestorePoint.class,
                XlogRecord.FpwChange.class, XlogRecord.FullPageImages.class,
                XactRecord.Commit.class, XactRecord.Abort.class, XactRecord.Prepare.class,
                XactRecord.Invalidations.class, ClogRecord.ZeroPage.class, MultiXactRecord.CreateId.class,
                RelMapRecord.Update.class, SmgrRecord.Create.class, SmgrRecord.Truncate.class,
                DbaseRecord.CreateFileCopy.class, DbaseRecord.CreateWalLog.class, DbaseRecord.Drop.class,
                StandbyRecord.Lock.class, StandbyRecord.RunningXacts.class, StandbyRecord.Invalidations.class);
    }

    @Test
    void commitsAndAbortsMatchSql() {
        List<XactRecord.Commit> commits = decoded(XactRecord.Commit.class);
        XactRecord.Commit withSubxacts = commits.stream().filter(c -> c.xid() == facts.subxactTop()).findFirst()
                .orElseThrow();
        assertThat(withSubxacts.subxacts()).containsExactlyInAnyOrderElementsOf(facts.subxacts());
        assertThat(withSubxacts.prepared()).isFalse();
        assertThat(withSubxacts.time()).isEqualTo(fromEpoch(facts.subxactCommitEpoch()));

        XactRecord.Abort abort = decoded(XactRecord.Abort.class).stream()
                .filter(a -> a.xid() == facts.abortedXid()).findFirst().orElseThrow();
        assertThat(abort.droppedRels()).containsExactly(new RelFileLocator(1663, facts.dbOid(), facts.abortedFilenode()));
        assertThat(decoded(StandbyRecord.Lock.class)).flatExtracting(StandbyRecord.Lock::locks)
                .contains(new StandbyRecord.HeldLock(facts.abortedXid(), facts.dbOid(), facts.abortedRelOid()));

        XactRecord.Commit truncation = commits.stream()
                .filter(c -> c.droppedRels().contains(new RelFileLocator(1663, facts.dbOid(), facts.truncatedOldFilenode())))
                .findFirst().orElseThrow();
        assertThat(truncation.droppedRels()).hasSize(1);
        assertThat(decoded(SmgrRecord.Create.class))
                .contains(new SmgrRecord.Create(new RelFileLocator(1663, facts.dbOid(), facts.truncatedNewFilenode()), 0));

        assertThat(commits).as("commit under a replication origin session").extracting(XactRecord.Commit::origin)
                .filteredOn(java.util.Objects::nonNull).extracting(XactRecord.Origin::lsn)
                .containsExactly(Lsn.parse("0/ABCDEF"));
        assertThat(commits).as("drop of a relation in a non-default tablespace").anySatisfy(c ->
                assertThat(c.droppedRels()).anySatisfy(r -> assertThat(r.spcOid()).isGreaterThan(16384)));
    }

    @Test
    void twoPhaseRecordsMatchSql() {
        List<XactRecord.Prepare> prepares = decoded(XactRecord.Prepare.class);
        XactRecord.Prepare committed = prepares.stream().filter(p -> p.gid().equals("cairn_commit")).findFirst()
                .orElseThrow();
        assertThat(committed.xid()).isEqualTo(facts.preparedCommitXid());
        assertThat(committed.databaseId()).isEqualTo(facts.dbOid());
        assertThat(committed.owner()).as("bootstrap superuser").isEqualTo(10);
        assertThat(committed.preparedAt()).isEqualTo(fromEpoch(facts.preparedAtEpoch()));
        assertThat(committed.magic()).isEqualTo(XactRecord.TWOPHASE_MAGIC);

        XactRecord.Prepare aborted = prepares.stream().filter(p -> p.gid().equals("cairn_abort")).findFirst()
                .orElseThrow();
        RelFileLocator tp = new RelFileLocator(1663, facts.dbOid(), facts.preparedAbortFilenode());
        assertThat(aborted.xid()).isEqualTo(facts.preparedAbortXid());
        assertThat(aborted.abortRels()).containsExactly(tp);
        assertThat(aborted.commitRels()).isEmpty();

        XactRecord.Commit commitPrepared = decoded(XactRecord.Commit.class).stream().filter(XactRecord.Commit::prepared)
                .findFirst().orElseThrow();
        assertThat(commitPrepared.xid()).isEqualTo(facts.preparedCommitXid());
        assertThat(commitPrepared.twophaseXid()).isEqualTo(facts.preparedCommitXid());
        assertThat(commitPrepared.gid()).as("logged with wal_level=logical").isEqualTo("cairn_commit");

        XactRecord.Abort abortPrepared = decoded(XactRecord.Abort.class).stream().filter(XactRecord.Abort::prepared)
                .findFirst().orElseThrow();
        assertThat(abortPrepared.xid()).isEqualTo(facts.preparedAbortXid());
        assertThat(abortPrepared.gid()).isEqualTo("cairn_abort");
        assertThat(abortPrepared.droppedRels()).containsExactly(tp);
    }

    @Test
    void databaseAndStorageRecordsMatchSql() {
        assertThat(decoded(DbaseRecord.CreateWalLog.class))
                .containsExactly(new DbaseRecord.CreateWalLog(facts.walLogDbOid(), 1663));
        // initdb's own WAL copies template1 (oid 1) into template0 and postgres the same way
        assertThat(decoded(DbaseRecord.CreateFileCopy.class))
                .contains(new DbaseRecord.CreateFileCopy(facts.fileCopyDbOid(), 1663, 1, 1663));
        assertThat(decoded(DbaseRecord.Drop.class)).containsExactly(new DbaseRecord.Drop(facts.fileCopyDbOid(), List.of(1663L)));

        RelFileLocator tr = new RelFileLocator(1663, facts.dbOid(), facts.vacuumTruncatedFilenode());
        SmgrRecord.Truncate truncate = decoded(SmgrRecord.Truncate.class).stream().filter(t -> t.rel().equals(tr))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(truncate.blocks()).isEqualTo(facts.vacuumTruncatedBlocks());
        assertThat(truncate.truncatesMain()).isTrue();
    }

    @Test
    void lastRelmapUpdateEqualsTheMapFileOnDisk() {
        RelMapRecord.Update last = decoded(RelMapRecord.Update.class).stream()
                .filter(u -> u.dbId() == facts.dbOid()).reduce((a, b) -> b).orElseThrow();
        assertThat(last.tsId()).isEqualTo(1663);
        assertThat(last.mapFile()).isEqualTo(relmapFile);
    }

    @Test
    void multixactOfTwoShareLockers() {
        MultiXactRecord.CreateId create = decoded(MultiXactRecord.CreateId.class).stream()
                .filter(c -> c.multi() == facts.multiXactId()).findFirst().orElseThrow();
        assertThat(create.members()).extracting(MultiXactRecord.Member::xid)
                .containsExactlyInAnyOrder(facts.shareLockerA(), facts.shareLockerB());
        assertThat(create.members()).extracting(MultiXactRecord.Member::statusName).containsOnly("sh");
    }

    @Test
    void xlogRecordsMatchSettingsAndCalls() {
        assertThat(decoded(XlogRecord.ParameterChange.class)).anySatisfy(p -> {
            assertThat(p.maxPreparedXacts()).isEqualTo(5);
            assertThat(p.walLevelName()).isEqualTo("logical");
            assertThat(p.trackCommitTimestamp()).isTrue();
        });
        assertThat(decoded(XlogRecord.RestorePoint.class)).extracting(XlogRecord.RestorePoint::name)
                .containsExactly("cairn_rp");
        assertThat(decoded(XlogRecord.BackupEnd.class)).containsExactly(new XlogRecord.BackupEnd(facts.backupStart()));
        assertThat(decoded(XlogRecord.FpwChange.class)).containsExactly(new XlogRecord.FpwChange(false),
                new XlogRecord.FpwChange(true));
    }

    @Test
    void shutdownCheckpointMatchesPgControldata() {
        DecodedRecord last = records.get(records.size() - 1);
        var checkpoint = (XlogRecord.Checkpoint) RecordDecoder.decode(last);
        CheckPoint f = checkpoint.checkpoint();
        assertThat(checkpoint.shutdown()).isTrue();
        assertThat(controldata.get("Latest checkpoint location")).isEqualTo(lsn(last.lsn()));
        assertThat(controldata.get("Latest checkpoint's REDO location")).isEqualTo(lsn(f.redo()));
        assertThat(controldata.get("Latest checkpoint's TimeLineID")).isEqualTo(Long.toString(f.thisTimeline()));
        assertThat(controldata.get("Latest checkpoint's full_page_writes")).isEqualTo(f.fullPageWrites() ? "on" : "off");
        assertThat(controldata.get("Latest checkpoint's NextXID")).isEqualTo(f.nextXidEpoch() + ":" + f.nextXid());
        assertThat(controldata.get("Latest checkpoint's NextOID")).isEqualTo(Long.toString(f.nextOid()));
        assertThat(controldata.get("Latest checkpoint's NextMultiXactId")).isEqualTo(Long.toString(f.nextMulti()));
        assertThat(controldata.get("Latest checkpoint's NextMultiOffset")).isEqualTo(Long.toString(f.nextMultiOffset()));
        assertThat(controldata.get("Latest checkpoint's oldestXID")).isEqualTo(Long.toString(f.oldestXid()));
        assertThat(controldata.get("Latest checkpoint's oldestXID's DB")).isEqualTo(Long.toString(f.oldestXidDb()));
        assertThat(controldata.get("Latest checkpoint's oldestActiveXID")).isEqualTo(Long.toString(f.oldestActiveXid()));
        assertThat(controldata.get("Latest checkpoint's oldestMultiXid")).isEqualTo(Long.toString(f.oldestMulti()));
        assertThat(controldata.get("Latest checkpoint's oldestMulti's DB")).isEqualTo(Long.toString(f.oldestMultiDb()));
        assertThat(controldata.get("Latest checkpoint's oldestCommitTsXid")).isEqualTo(Long.toString(f.oldestCommitTsXid()));
        assertThat(controldata.get("Latest checkpoint's newestCommitTsXid")).isEqualTo(Long.toString(f.newestCommitTsXid()));
        assertThat(f.nextMulti()).isGreaterThan(facts.multiXactId());
    }

    /**
     * Replays the VM changes of every heap record on table t, from an empty map,
     * and compares the result with the visibility map PostgreSQL ended up with.
     */
    @Test
    void replayedVisibilityMapEqualsPgVisibility() {
        Map<Long, Integer> vm = new HashMap<>();
        int clears = 0;
        for (DecodedRecord r : records) {
            for (VisibilityMapChange c : VisibilityMapEffects.of(r)) {
                if (c.rel().relNumber() != facts.tableFilenode() || c.rel().dbOid() != facts.dbOid()) {
                    continue;
                }
                int bits = vm.getOrDefault(c.heapBlock(), 0);
                if (c.op() == VisibilityMapChange.Op.SET) {
                    bits |= c.bits();
                } else {
                    bits &= ~c.bits();
                    clears++;
                }
                vm.put(c.heapBlock(), bits);
            }
        }
        assertThat(clears).as("lock, delete, update and inserts clear bits").isGreaterThanOrEqualTo(4);
        Map<Long, String> expected = new HashMap<>();
        finalVisibilityMap.forEach((blk, b) -> expected.put(blk, "visible=" + b[0] + " frozen=" + b[1]));
        Map<Long, String> actual = new HashMap<>();
        finalVisibilityMap.keySet().forEach(blk -> {
            int bits = vm.getOrDefault(blk, 0);
            actual.put(blk, "visible=" + (bits & 1) + " frozen=" + ((bits >> 1) & 1));
        });
        assertThat(actual).isEqualTo(expected);
        assertThat(expected.values()).as("the FOR UPDATE / FOR SHARE pages keep all-visible, lose all-frozen")
                .contains("visible=1 frozen=0");
    }

    private static String lsn(Lsn lsn) {
        return String.format("%X/%X", lsn.value() >>> 32, lsn.value() & 0xFFFF_FFFFL);
    }
}
