package dev.cairn.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The jar this process runs from: what starts other Cairn processes (a cluster, a chaos run) starts them
 * from the same code.
 */
public final class RunningJar {
    private RunningJar() {
    }

    /** @throws IllegalStateException when running from classes rather than the jar (e.g. an IDE) */
    public static Path locate(String command) {
        Path self;
        try {
            self = Path.of(RunningJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the cairn jar", e);
        }
        if (!Files.isRegularFile(self)) {
            throw new IllegalStateException("cairn " + command + " must run from the cairn jar (./cairn), not from " + self);
        }
        return self;
    }
}
