package dev.cairn.safekeeper.storage;

import java.nio.file.Path;

/** The acceptor state file is unreadable: wrong magic, unknown version, bad checksum, truncated. */
public final class StateFileException extends RuntimeException {
    private final Path path;

    public StateFileException(Path path, String reason, Throwable cause) {
        super("acceptor state file " + path + ": " + reason, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
