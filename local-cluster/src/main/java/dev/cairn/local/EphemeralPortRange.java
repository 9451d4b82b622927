package dev.cairn.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ports the kernel hands out to outgoing connections (Linux: net.ipv4.ip_local_port_range). A
 * listener on one of them can lose it while its process restarts: any outgoing connection may take
 * it meanwhile (a client retrying against the dead port can even connect to itself), and the restarted
 * component then fails to bind. A chaos soak lost its proxy for 80 s that way, so the defaults stay below.
 */
public record EphemeralPortRange(int first, int last) {
    static final Path LINUX = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** This machine's range, or empty where it cannot be read (not Linux). */
    public static Optional<EphemeralPortRange> ofThisMachine() {
        try {
            return Files.isReadable(LINUX) ? Optional.of(parse(Files.readString(LINUX))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The kernel's format: two numbers separated by white space. */
    static EphemeralPortRange parse(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected two port numbers, got '" + text.trim() + "'");
        }
        return new EphemeralPortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public boolean overlaps(int from, int to) {
        return from <= last && to >= first;
    }

    /** A warning for listeners on ports {@code from..to}, or empty when they are outside the range. */
    public Optional<String> warningFor(int from, int to) {
        if (!overlaps(from, to)) {
            return Optional.empty();
        }
        return Optional.of("ports " + from + "-" + to + " overlap this machine's ephemeral port range " + first + "-" + last
                + ": an outgoing connection can take one while its component restarts; ports below " + first + " are safer");
    }
}
