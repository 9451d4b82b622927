package dev.cairn.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The computes a manager started and has not torn down yet, one small JSON file each in
 * {@code <manager data>/computes/}, written crash-safe ({@link AtomicFile}) before the compute's state
 * directory is created: what a manager restarting after a crash, or {@code cairn local stop}, needs to find
 * and stop the computes the dead manager left running ({@link OrphanedComputes}).
 */
public final class ComputeRecords {
    /** For an agent on its own (tests): nothing recorded, so nothing to clean up after a crash either. */
    static final ComputeRecords NONE = new ComputeRecords();
    private static final Logger LOG = LoggerFactory.getLogger(ComputeRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public ComputeRecords(Path managerDataDir) {
        this.dir = managerDataDir.resolve("computes");
    }

    private ComputeRecords() {
        this.dir = null;
    }

    /** Records the compute, or its postmaster's pid once known (replacing the record of the same state dir). */
    void write(ComputeRecord r) {
        if (dir == null) {
            return;
        }
        Path file = fileOf(r.stateDirectory());
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record compute of endpoint " + r.endpoint() + " in " + file, e);
        }
    }

    /** Forgets the compute whose state directory is {@code stateDir} (it is torn down). */
    void remove(Path stateDir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(fileOf(stateDir));
        } catch (IOException e) {
            LOG.warn("cannot remove the record of compute {}: {} (the next manager start stops nothing there)",
                    stateDir, e.getMessage());
        }
    }

    /** Every recorded compute; a record that cannot be read is logged and left for a look. */
    public List<ComputeRecord> list() {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<ComputeRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (AtomicFile.isTemporary(f) || !f.getFileName().toString().endsWith(".json")) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(f.toFile(), ComputeRecord.class));
                } catch (IOException e) {
                    LOG.warn("compute record {} is unreadable, left as it is: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the compute records in " + dir, e);
        }
        return out;
    }

    private Path fileOf(Path stateDir) {
        return dir.resolve(stateDir.getFileName() + ".json");
    }
}
