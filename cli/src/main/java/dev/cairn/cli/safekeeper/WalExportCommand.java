package dev.cairn.cli.safekeeper;

import dev.cairn.cli.ServiceKeyOptions;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.WalSegmentName;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.KmsChunkCipher;
import dev.cairn.safekeeper.storage.TimelineStorage;
import dev.cairn.safekeeper.storage.WalStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/**
 * {@code cairn wal-export}: one timeline's WAL from a safekeeper's data directory, decrypted, as PostgreSQL WAL
 * segment files that {@code cairn waldump} and {@code pg_waldump} read. The directory is only read (a torn
 * tail is reported, not cut), so a copy of a live safekeeper's directory can be inspected too.
 */
@Command(name = "wal-export", mixinStandardHelpOptions = true,
        description = {"Write a safekeeper's WAL of one timeline as plaintext PostgreSQL WAL segment files.",
                "For diagnosis: the output is NOT encrypted; keep it where the data may be."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:exported", "1:the WAL cannot be read (keys, I/O)", "2:bad arguments"})
public final class WalExportCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "The safekeeper's data directory.")
    Path data;

    @Option(names = "--tenant", required = true, description = "Tenant id (32 hex digits).")
    String tenant;

    @Option(names = "--timeline", required = true, description = "Timeline id (32 hex digits).")
    String timeline;

    @Option(names = "--out", required = true, description = "Directory for the segment files (created).")
    Path out;

    @Option(names = "--segment-size", defaultValue = "16777216", description = "WAL segment size in bytes (default 16 MiB).")
    int segmentSize;

    @Mixin
    ServiceKeyOptions keyOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TimelineKey key;
        try {
            key = new TimelineKey(Id128.parse(tenant), Id128.parse(timeline));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad tenant or timeline id: " + e.getMessage());
        }
        Path dir = TimelineStorage.walDir(SafekeeperNode.timelineDir(data, key));
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no WAL of " + key + " under " + data);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ServiceKeys keys = keyOptions.open(data, "wal-export");
             WalStore wal = WalStore.openReadOnly(dir, key, segmentSize,
                     new KmsChunkCipher(keys.hierarchy(), keys.ensureTenant(key.tenant())))) {
            WalStore.Recovery r = wal.recovery();
            if (r.cutReason() != null) {
                spec.commandLine().getErr().println("cairn wal-export: WAL readable up to " + r.end() + "; "
                        + r.cutBytes() + " bytes after it are not (" + r.cutReason() + ")");
            }
            if (!wal.start().isValid() || wal.size() == 0) {
                stdout.println("no WAL of " + key + " in " + dir);
                return 0;
            }
            Files.createDirectories(out);
            int files = 0;
            for (Lsn at = wal.start(); at.isBefore(wal.end()); ) {
                WalSegmentName name = WalSegmentName.containing(1, at, segmentSize);
                Lsn to = min(name.next().startLsn(), wal.end());
                writeSegment(out.resolve(name.fileName()), at.value() - name.startLsn().value(), wal.read(at, to));
                files++;
                at = to;
            }
            stdout.println("exported " + wal.start() + ".." + wal.end() + " of " + key + " as " + files
                    + " segment file(s) in " + out);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("cairn wal-export: " + e.getMessage());
            return 1;
        }
    }

    /** A full-size segment file: the WAL at its offset, zeroes around it (as a partly written segment). */
    private void writeSegment(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long p = offset;
            while (b.hasRemaining()) {
                p += ch.write(b, p);
            }
            if (ch.size() < segmentSize) {
                ch.write(ByteBuffer.wrap(new byte[1]), segmentSize - 1L);
            }
        }
    }

    private static Lsn min(Lsn a, Lsn b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
