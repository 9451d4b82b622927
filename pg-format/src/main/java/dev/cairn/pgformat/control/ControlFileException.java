package dev.cairn.pgformat.control;

/** A pg_control that cannot be read or written, naming the file (or other origin) and the cause. */
public class ControlFileException extends RuntimeException {

    public enum Reason {
        /** The stored CRC does not match the contents. */
        CRC_MISMATCH,
        /** Fewer bytes than the struct needs. */
        TRUNCATED,
        /** A pg_control_version this library has no layout for. */
        UNSUPPORTED_VERSION,
        /** A field holds a value outside its domain (e.g. an unknown DBState). */
        BAD_VALUE,
        /** The file could not be read or written. */
        IO
    }

    private final String origin;
    private final Reason reason;

    public ControlFileException(String origin, Reason reason, String detail) {
        this(origin, reason, detail, null);
    }

    public ControlFileException(String origin, Reason reason, String detail, Throwable cause) {
        super(origin + ": " + reason + ": " + detail, cause);
        this.origin = origin;
        this.reason = reason;
    }

    /** The file path or other description of where the bytes came from. */
    public String origin() {
        return origin;
    }

    public Reason reason() {
        return reason;
    }
}
