package dev.cairn.compute;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Unpacks a basebackup tar into a compute's data directory, in this process: a gigabyte piped through
 * {@code tar -x} costs a copy and a context switch per pipe buffer more. Only directories and regular files
 * are accepted, and only under the target directory; anything else in the stream is refused.
 */
final class BasebackupExtractor {
    private static final int BUFFER = 1 << 20;
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private BasebackupExtractor() {
    }

    /** Extracts {@code tar} into the existing directory {@code target}; returns the number of files written. */
    static long extract(InputStream tar, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        byte[] buffer = new byte[BUFFER];
        long files = 0;
        // not closed here: the stream belongs to the caller, who checks that all of it arrived
        TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(tar, 1 << 16));
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
            Path path = root.resolve(e.getName()).normalize();
            if (!path.startsWith(root) || path.equals(root) && e.getLinkFlag() != TarConstants.LF_DIR) {
                throw new IOException("basebackup entry '" + e.getName() + "' lies outside the data directory");
            }
            if (e.getLinkFlag() == TarConstants.LF_DIR) {
                if (!Files.isDirectory(path)) {
                    Files.createDirectories(path, DIRECTORY_MODE);
                }
            } else if (e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM) {
                writeFile(in, path, e.getSize(), buffer);
                files++;
            } else {
                throw new IOException("basebackup entry '" + e.getName() + "' is neither a file nor a directory");
            }
        }
        return files;
    }

    private static void writeFile(InputStream in, Path path, long size, byte[] buffer) throws IOException {
        try (FileChannel out = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE)) {
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("basebackup ends inside " + path.getFileName() + ", " + left + " bytes short");
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                left -= n;
            }
        }
    }
}
