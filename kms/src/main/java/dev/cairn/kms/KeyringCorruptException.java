package dev.cairn.kms;

import dev.cairn.common.Id128;

import java.nio.file.Path;

/** A keyring file failed its checksum or could not be parsed. */
public final class KeyringCorruptException extends KeyHierarchyException {
    private final Path file;

    public KeyringCorruptException(Id128 tenant, Path file, String message, Throwable cause) {
        super(tenant, "keyring " + file + " is corrupt: " + message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
