package dev.cairn.proxy.protocol;

/**
 * A failure the client must hear about: carries the SQLSTATE and, when known, the
 * endpoint, so the connection can be answered with a FATAL ErrorResponse.
 */
public class ProxyException extends RuntimeException {
    private final SqlState sqlState;
    private final String endpoint;

    public ProxyException(SqlState sqlState, String endpoint, String message) {
        this(sqlState, endpoint, message, null);
    }

    public ProxyException(SqlState sqlState, String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.endpoint = endpoint;
    }

    public SqlState sqlState() {
        return sqlState;
    }

    /** The endpoint the connection was for, or null if not known yet. */
    public String endpoint() {
        return endpoint;
    }

    public ErrorResponse toErrorResponse() {
        return ErrorResponse.fatal(sqlState, getMessage());
    }
}
