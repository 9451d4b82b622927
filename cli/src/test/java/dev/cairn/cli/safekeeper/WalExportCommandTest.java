package dev.cairn.cli.safekeeper;

import dev.cairn.cli.CliRun;
import dev.cairn.kms.CmkNaming;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.SampleWal;
import dev.cairn.pgformat.wal.WalSegmentName;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.KmsChunkCipher;
import dev.cairn.safekeeper.storage.TimelineStorage;
import dev.cairn.safekeeper.storage.WalStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn wal-export}: a safekeeper's encrypted WAL back as the segment file PostgreSQL wrote. */
class WalExportCommandTest {
    private static final int SEG = 16 << 20;

    @TempDir
    Path dir;

    private final TimelineKey timeline = new TimelineKey(Id128.random(), Id128.random());
    private SampleWal sample;
    private WalSegmentName segment;
    private Path data;
    private Path kms;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** The sample's first segment, stored as a safekeeper stores it: sealed chunks under the tenant's keys. */
    @BeforeEach
    void storeSampleWal() {
        sample = SampleWal.get();
        segment = WalSegmentName.parse(sample.segments.get(0).getFileName().toString(), SEG);
        data = dir.resolve("safekeeper-1");
        kms = dir.resolve("kms.json");
        Path walDir = TimelineStorage.walDir(SafekeeperNode.timelineDir(data, timeline));
        try (ServiceKeys keys = ServiceKeys.open(KeyHierarchyConfig.builder(data)
                .providers(StandardProviders.create(new LocalKmsProvider(kms, true, InstantSource.system())))
                .caller("test").build(), CmkNaming.LOCAL_DEFAULT, Duration.ofMinutes(1));
             WalStore wal = WalStore.open(walDir, timeline, SEG,
                     new KmsChunkCipher(keys.hierarchy(), keys.ensureTenant(timeline.tenant())))) {
            Lsn start = segment.startLsn();
            wal.truncate(start);
            wal.write(start, Arrays.copyOf(sample.firstSegment, SEG / 2));
            wal.flush();
        }
    }

    private String[] args(Path out, Path keyring) {
        return new String[]{"wal-export", "--data", data.toString(), "--tenant", timeline.tenant().toString(),
                "--timeline", timeline.timeline().toString(), "--out", out.toString(), "--local-kms", keyring.toString()};
    }

    @Test
    void exportsTheStoredWalAsTheSegmentPostgresWrote() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = run(args(out, kms));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 segment file(s)");
        byte[] exported = Files.readAllBytes(out.resolve(segment.fileName()));
        assertThat(exported).hasSize(SEG);
        assertThat(Arrays.copyOf(exported, SEG / 2)).isEqualTo(Arrays.copyOf(sample.firstSegment, SEG / 2));
        assertThat(Arrays.copyOfRange(exported, SEG / 2, SEG)).containsOnly(0);
        // the export reads as WAL: our decoder walks its records up to where the copied half ends
        CliRun dump = run("waldump", "--stats", out.toString());
        assertThat(dump.out()).containsPattern("Total\\s+[1-9]");
    }

    @Test
    void anotherKeyringCannotReadItAndSaysWhy() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = run(args(out, dir.resolve("other-kms.json")));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("cairn wal-export: ");
        assertThat(Files.exists(out.resolve(segment.fileName()))).isFalse();
    }

    @Test
    void unknownTimelineIsAUsageError() {
        CliRun r = run("wal-export", "--data", data.toString(), "--tenant", timeline.tenant().toString(),
                "--timeline", Id128.random().toString(), "--out", dir.resolve("out").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no WAL of");
    }
}
