package dev.cairn.pageserver.branch;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Unpacks a tar of a data directory into an empty directory. Only directories and regular files are
 * taken, and only below the target: a basebackup holds nothing else, so anything else means the stream is
 * not what it should be.
 */
final class TarExtractor {
    /** What was unpacked. */
    record Extracted(long files, long bytes) {
    }

    private TarExtractor() {
    }

    /** Reads {@code tar} up to its end-of-archive marker; the caller drains or closes the rest. */
    static Extracted extract(InputStream tar, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        long files = 0;
        long bytes = 0;
        // not closed here: closing would close the caller's stream before it drains the padding after the marker
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
            Path target = root.resolve(e.getName()).normalize();
            if (!target.startsWith(root) || target.equals(root) && !e.isDirectory()) {
                throw new IOException("tar entry '" + e.getName() + "' lies outside " + root);
            }
            if (e.isDirectory()) {
                Files.createDirectories(target);
            } else if (e.isFile()) {
                Files.createDirectories(target.getParent());
                bytes += Files.copy(in, target);
                files++;
            } else {
                throw new IOException("tar entry '" + e.getName() + "' is neither a file nor a directory");
            }
        }
        return new Extracted(files, bytes);
    }
}
