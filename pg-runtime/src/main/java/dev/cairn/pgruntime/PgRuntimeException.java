package dev.cairn.pgruntime;

/** Running a PostgreSQL binary failed; the message names the command and what it printed. */
public class PgRuntimeException extends RuntimeException {
    public PgRuntimeException(String message) {
        super(message);
    }

    public PgRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
