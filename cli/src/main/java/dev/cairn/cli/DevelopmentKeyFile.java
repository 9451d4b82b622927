package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A 256-bit development key in a 0600 file beside a service's data, created on first use. Not for
 * production, where data is sealed under the tenant's DEKs from kms/.
 */
public final class DevelopmentKeyFile {
    private DevelopmentKeyFile() {
    }

    public static byte[] readOrCreate(Path file, String service) {
        try {
            if (Files.exists(file)) {
                byte[] k = Files.readAllBytes(file);
                if (k.length != 32) {
                    throw new IllegalStateException("key file " + file + " must hold 32 bytes, has " + k.length);
                }
                return k;
            }
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, k);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            System.err.println("cairn " + service + ": created a LOCAL development key " + file + " (not for production)");
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create key file " + file, e);
        }
    }
}
