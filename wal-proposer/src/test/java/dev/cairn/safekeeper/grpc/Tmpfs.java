package dev.cairn.safekeeper.grpc;

import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real, small filesystem (tmpfs) mounted on a directory, so that a test can fill a disk and then make
 * room on it. Mounting needs root (CAP_SYS_ADMIN); {@link #mountable()} says whether this process can.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Null when this process can mount, else why not. */
    public static String whyNotMountable(Path scratch) {
        try {
            Path probe = Files.createDirectories(scratch.resolve("tmpfs-probe"));
            try (Tmpfs ignored = mount(probe, 1 << 20)) {
                return null;
            }
        } catch (Exception e) {
            return "cannot mount a tmpfs here (needs root): " + e.getMessage();
        }
    }

    /** Mounts a tmpfs of {@code bytes} on {@code dir} (created if missing). */
    public static Tmpfs mount(Path dir, long bytes) throws Exception {
        Files.createDirectories(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()));
        return new Tmpfs(dir);
    }

    /** Grows (or shrinks) the filesystem in place, keeping its files. */
    public void resize(long bytes) {
        run(List.of("mount", "-o", "remount,size=" + bytes, dir.toString()));
    }

    public long usedBytes() throws Exception {
        FileStore store = Files.getFileStore(dir);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    @Override
    public void close() {
        run(List.of("umount", "-l", dir.toString()));
    }

    private static void run(List<String> command) {
        ProcessResult r = ProcessRunner.run(command, null, 30);
        r.requireSuccess(String.join(" ", command));
    }
}
