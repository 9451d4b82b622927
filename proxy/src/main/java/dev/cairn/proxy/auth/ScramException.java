package dev.cairn.proxy.auth;

/** A SCRAM exchange that cannot continue: malformed message (protocol violation) or failed proof. */
public final class ScramException extends RuntimeException {
    private final boolean authenticationFailed;

    ScramException(String message) {
        this(message, false);
    }

    ScramException(String message, boolean authenticationFailed) {
        super(message);
        this.authenticationFailed = authenticationFailed;
    }

    /** True when the messages were well formed but the proof did not verify (28P01 rather than 08P01). */
    public boolean authenticationFailed() {
        return authenticationFailed;
    }
}
