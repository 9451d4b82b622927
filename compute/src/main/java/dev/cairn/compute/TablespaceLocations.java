package dev.cairn.compute;

import dev.cairn.pgruntime.ScratchDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directories a compute's postgres wrote outside its data directory: {@code CREATE TABLESPACE ... LOCATION
 * '/dir'} links pg_tblspc/OID to /dir and writes into /dir/PG_MAJOR_CATVERSION. A compute's storage dies with
 * it, and the next compute has every tablespace in place (the basebackup's layout), so that version
 * directory is deleted with the compute's local state; the location itself, which the user made, stays.
 */
final class TablespaceLocations {
    private TablespaceLocations() {
    }

    /** Deletes the version directory behind every tablespace link of {@code dataDir}; in-place tablespaces are left alone. */
    static void deleteWrittenOutside(Path dataDir) {
        for (Path link : list(dataDir.resolve("pg_tblspc"))) {
            if (!Files.isSymbolicLink(link)) {
                continue;
            }
            for (Path versionDir : list(link)) {
                // only what postgres created there: PG_<major>_<catalog version>
                if (versionDir.getFileName().toString().matches("PG_\\d+_\\d+") && !Files.isSymbolicLink(versionDir)) {
                    ScratchDirectory.deleteTree(versionDir);
                }
            }
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
