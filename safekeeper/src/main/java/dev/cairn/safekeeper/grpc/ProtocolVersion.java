package dev.cairn.safekeeper.grpc;

/** Versions of the safekeeper protocol this build speaks. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;

    private ProtocolVersion() {
    }

    public static boolean supported(int version) {
        return version == CURRENT;
    }

    public static String refusal(int version) {
        return "protocol version " + version + " is not supported (this safekeeper speaks " + CURRENT + ")";
    }
}
