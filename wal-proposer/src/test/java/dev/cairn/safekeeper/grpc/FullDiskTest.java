package dev.cairn.safekeeper.grpc;

import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.SafekeeperAdminClient;
import dev.cairn.proposer.ProposerDriver;
import dev.cairn.safekeeper.storage.WalStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Safekeepers whose disks fill up, on real small filesystems: a full disk stops that safekeeper from
 * acknowledging (never an acknowledgement of WAL it could not store), says why, and once there is room
 * again the safekeeper reopens its timeline from disk and catches up. Nothing acknowledged is lost.
 */
@Timeout(180)
class FullDiskTest {
    private static final int SEG = 1 << 20;
    private static final long SMALL = 3L << 20;
    private static final long ROOMY = 64L << 20;
    private static final Lsn START = Lsn.of(0x2000028L);

    @TempDir
    Path dir;

    private final TimelineKey timeline = new TimelineKey(Id128.random(), Id128.random());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final Random random = new Random(5);
    private LocalSafekeepers safekeepers;
    private Lsn end = START;

    @BeforeEach
    void canMount() {
        assumeThat(Tmpfs.whyNotMountable(dir)).as("a tmpfs can be mounted").isNull();
        safekeepers = new LocalSafekeepers(dir, 3, SEG);
    }

    @AfterEach
    void stop() throws Exception {
        if (safekeepers != null) {
            safekeepers.close();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void aSafekeeperWhoseDiskFillsStopsAcknowledgingSaysWhyAndCatchesUpOnceThereIsRoom() throws Exception {
        Tmpfs disk = smallDisk(2);
        safekeepers.startAll();
        ProposerDriver p = proposer();

        // 8 MiB of WAL: safekeeper 2's 3 MiB fill up on the way; the other two are a quorum throughout
        for (int i = 0; i < 128; i++) {
            append(p, 64 << 10);
            if (i % 16 == 15) {
                p.awaitCommit(end, 20_000);
            }
        }
        p.awaitCommit(end, 20_000);
        assertThat(flushLsn(2)).as("safekeeper 2 with a full disk").isLessThan(end);
        assertThat(p.describe()).as("the proposer's view of the safekeepers").contains("No space left on device");
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(2))) {
            assertThat(dev.cairn.metrics.PrometheusText.parse(admin.metrics())
                    .value("cairn_safekeeper_storage_failures_total")).isGreaterThanOrEqualTo(1.0);
        }

        disk.resize(ROOMY);
        awaitFlushLsn(2, end, p);
        p.close();
        for (int i = 0; i < 3; i++) {
            assertStoredWal(i, end);
        }
    }

    @Test
    void twoFullDisksStallCommitsWithoutLosingAnAcknowledgedByteAndRoomLetsThemResume() throws Exception {
        Tmpfs disk1 = smallDisk(1);
        Tmpfs disk2 = smallDisk(2);
        safekeepers.startAll();
        ProposerDriver p = proposer();

        // write until no quorum can store more: commits stop short of what was offered
        Lsn acked = end;
        for (int i = 0; i < 128 && acked.equals(end); i++) {
            append(p, 64 << 10);
            try {
                p.awaitCommit(end, 3_000);
                acked = end;
            } catch (TimeoutException e) {
                acked = p.commitLsn();
            }
        }
        assertThat(acked).as("commits stalled").isLessThan(end);
        assertThatThrownBy(() -> p.awaitCommit(end, 1_500)).isInstanceOf(TimeoutException.class);
        Lsn stalledAt = p.commitLsn();
        assertThat(stalledAt).isGreaterThanOrEqualTo(acked);

        // every acknowledged byte is on two safekeepers' full disks already
        assertThat(flushLsn(1)).isGreaterThanOrEqualTo(stalledAt);
        assertThat(flushLsn(2)).isGreaterThanOrEqualTo(stalledAt);

        disk1.resize(ROOMY);
        disk2.resize(ROOMY);
        p.awaitCommit(end, 30_000);
        append(p, 64 << 10);
        p.awaitCommit(end, 20_000);
        awaitFlushLsn(1, end, p);
        awaitFlushLsn(2, end, p);
        p.close();
        for (int i = 0; i < 3; i++) {
            assertStoredWal(i, end);
        }
    }

    private Tmpfs smallDisk(int safekeeper) throws Exception {
        Tmpfs disk = Tmpfs.mount(safekeepers.dataDir(safekeeper), SMALL);
        closeables.add(disk);
        return disk;
    }

    private ProposerDriver proposer() throws Exception {
        ProposerDriver p = safekeepers.proposer(timeline, "full-disk", START);
        closeables.add(p);
        assertThat(p.awaitLeading(10_000)).isEqualTo(START);
        return p;
    }

    private void append(ProposerDriver p, int bytes) {
        byte[] d = new byte[bytes];
        random.nextBytes(d);
        p.appendWal(end, d);
        written.writeBytes(d);
        end = end.plus(bytes);
    }

    private Lsn flushLsn(int safekeeper) {
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(safekeeper))) {
            return admin.timelines().stream().filter(t -> t.timeline().equals(timeline)).findFirst()
                    .map(SafekeeperAdminClient.TimelineState::flushLsn).orElse(Lsn.INVALID);
        }
    }

    private void awaitFlushLsn(int safekeeper, Lsn target, ProposerDriver p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (flushLsn(safekeeper).isBefore(target)) {
            assertThat(System.currentTimeMillis()).as("safekeeper %s caught up to %s: %s", safekeeper, target,
                    p.describe()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Stops safekeeper {@code i} and reads its WAL back: exactly what was written, from the start to {@code to}. */
    private void assertStoredWal(int i, Lsn to) {
        if (safekeepers.isRunning(i)) {
            safekeepers.stop(i);
        }
        try (WalStore w = safekeepers.openWal(i, timeline)) {
            assertThat(w.end()).as("safekeeper %s WAL end", i).isGreaterThanOrEqualTo(to);
            assertThat(w.read(START, to)).as("safekeeper %s WAL", i)
                    .isEqualTo(java.util.Arrays.copyOf(written.toByteArray(), (int) to.minus(START)));
        }
    }
}
