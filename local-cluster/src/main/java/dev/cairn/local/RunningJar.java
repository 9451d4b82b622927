package dev.cairn.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The jar this process runs from: what starts other Cairn processes (a cluster, a chaos run) starts them
 * from the same code.
 */
public final class RunningJar {
    /**
     * The JVM options of every {@code java -jar cairn.jar} that a Cairn process starts (a cluster's supervisor and
     * services, a chaos run's processes). Native access (JNA, Netty's epoll, RocksDB, zstd, lz4) is granted by the
     * jar's manifest ({@code Enable-Native-Access}); JDK 24+ also warns at the first {@code sun.misc.Unsafe} memory
     * access (Netty, grpc's shaded Netty) unless it is allowed, an option JDK 21 and 22 do not know. A child runs
     * on this JVM's JDK. {@code ./cairn} gives the same ({@code cairn_jvm_options} in tools/jdk.sh).
     */
    public static final List<String> JVM_OPTIONS = Runtime.version().feature() >= 23
            ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();

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
