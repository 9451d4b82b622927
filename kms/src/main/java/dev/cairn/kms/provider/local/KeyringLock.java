package dev.cairn.kms.provider.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises read-modify-write of a local keyring across threads and processes. Several services share
 * one keyring in a local cluster; without this, two of them creating the same tenant's key at once would
 * each write its own version, and the keys wrapped under the overwritten one could never be unwrapped.
 * The file lock is per process, so threads (and provider instances) of one JVM also take a lock per path.
 */
final class KeyringLock {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private KeyringLock() {
    }

    static <T> T around(Path keyring, Supplier<T> change) {
        Path lockFile = keyring.resolveSibling(keyring.getFileName() + ".lock");
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return change.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock local keyring " + keyring, e);
        } finally {
            local.unlock();
        }
    }
}
