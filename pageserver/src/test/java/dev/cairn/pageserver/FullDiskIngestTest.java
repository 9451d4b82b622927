package dev.cairn.pageserver;

import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestStorageFullException;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgformat.wal.synth.RecordPosition;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.grpc.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The page store's disk fills up during ingest, again and again (a real small tmpfs): each time ingest
 * pauses with an error that says so, nothing of the record is stored, the timeline is not failed, and once
 * there is room the same record applies. The result is the same as an ingest that never paused, down to
 * the checkpoint fields stored at every record, and a compute started from it has every transaction.
 */
@Timeout(300)
class FullDiskIngestTest {
    private static final long MIB = 1 << 20;
    private static final long TIGHT = MIB;
    private static final long ROOMY = 96 * MIB;
    private static final int PAUSES = 2;
    private static final int WAL_SEGMENT = 16 << 20;

    @TempDir
    Path dir;

    @Test
    void ingestPausesOnAFullDiskAndResumesWithNothingLostOnceThereIsRoom() throws Exception {
        assumeThat(Tmpfs.whyNotMountable(dir)).as("a tmpfs can be mounted").isNull();
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        AesGcmValueCipher cipher = AesGcmValueCipher.random(1);
        try (ScratchDirectory scratch = ScratchDirectory.create("cairn-full-disk");
             Tmpfs disk = Tmpfs.mount(dir.resolve("small"), 512 * MIB);
             PageStore store = PageStore.open(dir.resolve("small/pageserver"), cipher);
             PageStore reference = PageStore.open(dir.resolve("reference"), cipher)) {
            PgCluster pg = Computes.initdb(scratch.path());
            try (pg) {
                pg.start(Computes.SETTINGS);
                Computes.pgbench(pg, "-i", "-s", "1", "-q");
                pg.stop("fast");
            }
            Lsn imported = DataDirImport.run(store, tl, pg.dataDir()).lsn();
            DataDirImport.run(reference, tl, pg.dataDir());
            store.flush();
            try (pg) {
                pg.start(Computes.SETTINGS);
                // many small transactions: every one moves nextXid, a checkpoint field ingest stores
                Computes.pgbench(pg, "-n", "-t", "5000", "-c", "1");
                // and bytes to store: heap deltas are small, so updated rows make sure the room fills twice
                pg.psql("UPDATE pgbench_accounts SET abalance = abalance WHERE aid <= 30000");
                pg.stop("fast");
            }
            Lsn walEnd = WalDirectoryIngest.ingest(new Ingest(reference, tl), pg.walDir());

            // the store gets a few MiB of room at a time: it fills up, ingest pauses on the record that did not
            // fit, the test makes room, and once RocksDB takes writes again (it polls for free space and wants
            // a memtable's worth) the room shrinks back to a few MiB
            Ingest ingest = new Ingest(store, tl);
            disk.resize(disk.usedBytes() + TIGHT);
            int pauses = 0;
            try (WalReader reader = WalReader.open(WalReader.listSegments(pg.walDir()),
                    RecordPosition.firstAtOrAfter(ingest.position().end(), WAL_SEGMENT), null)) {
                DecodedRecord rec;
                while ((rec = reader.nextUntilEndOfWal()) != null) {
                    long waitingSince = 0;
                    while (true) {
                        try {
                            ingest.apply(rec);
                            break;
                        } catch (IngestStorageFullException full) {
                            assertThat(full.getMessage()).contains("No space left on device").contains(tl.toString());
                            assertThat(ingest.failure()).as("a full disk does not fail the timeline").isNull();
                            assertThat(ingest.position().end()).as("nothing of the record stored").isLessThan(rec.endLsn());
                            assertThat(ingest.paused()).as("what the timeline's status reports").isSameAs(full);
                            if (waitingSince == 0) {
                                pauses++;
                                waitingSince = System.nanoTime();
                                disk.resize(disk.usedBytes() + ROOMY);
                            }
                            assertThat((System.nanoTime() - waitingSince) / 1e9)
                                    .as("seconds until the store took writes again after pause %s", pauses).isLessThan(60);
                            Thread.sleep(200);
                        }
                    }
                    if (waitingSince != 0 && pauses < PAUSES) {
                        disk.resize(disk.usedBytes() + TIGHT);
                    }
                }
            }
            assertThat(pauses).as("times the disk filled up").isGreaterThanOrEqualTo(PAUSES);
            assertThat(ingest.position().end()).isEqualTo(walEnd);
            assertThat(ingest.paused()).as("no longer waiting").isNull();
            disk.resize(512 * MIB);

            Timeline paused = new Timeline(store, tl);
            Timeline straight = new Timeline(reference, tl);
            List<Lsn> boundaries = recordEnds(pg.walDir(), imported);
            assertThat(boundaries).hasSizeGreaterThan(5_000);
            for (Lsn lsn : boundaries) {
                assertThat(paused.checkpoint(lsn)).as("checkpoint fields at %s", lsn).isEqualTo(straight.checkpoint(lsn));
            }

            Path tar = scratch.resolve("bb.tar");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
                new Basebackup(paused).writeLatest(out);
            }
            try (PgCluster restored = Computes.fromBasebackup(tar, scratch.resolve("restored"))) {
                restored.start(Computes.SETTINGS);
                assertThat(restored.psql("SELECT count(*) FROM pgbench_history")).isEqualTo("5000");
                assertThat(restored.psql("SELECT sum(abalance) = (SELECT sum(delta) FROM pgbench_history) FROM pgbench_accounts"))
                        .isEqualTo("t");
            }
        }
    }


    /** The end LSN of every record after {@code from}. */
    private static List<Lsn> recordEnds(Path walDir, Lsn from) {
        List<Lsn> ends = new ArrayList<>();
        try (WalReader reader = WalReader.open(WalReader.listSegments(walDir), null, null)) {
            DecodedRecord r;
            while ((r = reader.nextUntilEndOfWal()) != null) {
                if (r.endLsn().isAfter(from)) {
                    ends.add(r.endLsn());
                }
            }
        }
        return ends;
    }
}
