package dev.cairn.safekeeper.api;

/** Versions of the safekeeper protocol this build speaks. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;

    private ProtocolVersion() {
    }

    public static boolean supported(int version) {
        return version == CURRENT;
    }

    /**
     * For the unary and server-streaming calls: answers FAILED_PRECONDITION naming both versions, and returns
     * false, when {@code version} is not spoken here.
     */
    public static boolean accept(int version, io.grpc.stub.StreamObserver<?> out) {
        if (supported(version)) {
            return true;
        }
        out.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription(refusal(version)).asRuntimeException());
        return false;
    }

    public static String refusal(int version) {
        return "protocol version " + version + " is not supported (this safekeeper speaks " + CURRENT + ")";
    }
}
