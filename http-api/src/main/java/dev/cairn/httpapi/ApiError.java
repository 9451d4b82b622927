package dev.cairn.httpapi;

/**
 * A refusal with its HTTP status and a short error code. Thrown by request handlers (and produced by a
 * service's error classifier) to answer {@code {"error": code, "message": text}}.
 */
public class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
