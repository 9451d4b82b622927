package dev.cairn.pgruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A temporary directory that the server user can traverse (data directories go below it), deleted with
 * everything in it on {@link #close()}. Data directories are 60 MiB to gigabytes: runs that leave them
 * behind fill the disk.
 */
public final class ScratchDirectory implements AutoCloseable {
    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** Creates a directory named {@code prefix} plus a random suffix under the system's temporary directory. */
    public static ScratchDirectory create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new ScratchDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory " + prefix + "*", e);
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** Deletes this directory when the JVM exits (for fixtures shared by every test of a run). */
    public ScratchDirectory deleteOnExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close();
            } catch (UncheckedIOException e) {
                System.err.println(e.getMessage());
            }
        }, "delete " + path));
        return this;
    }

    @Override
    public void close() {
        deleteTree(path);
    }

    /**
     * Deletes {@code root} and everything below it; a missing root is fine. Keeps going past a file it
     * cannot delete, so that as much as possible is gone, then reports the first failure.
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> all = Files.walk(root)) {
            deepestFirst = all.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot list " + root + " to delete it", asIo(e));
        }
        IOException first = null;
        int failed = 0;
        for (Path p : deepestFirst) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                failed++;
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw new UncheckedIOException("cannot delete " + failed + " of " + deepestFirst.size()
                    + " entries under " + root, first);
        }
    }

    private static IOException asIo(Exception e) {
        return e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
    }
}
