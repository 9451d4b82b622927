package dev.cairn.pageserver.api;

/** The pageserver API refused a request: HTTP status, an error code, and the server's specific message. */
public class PageserverApiException extends RuntimeException {
    private final int status;
    private final String code;

    public PageserverApiException(int status, String code, String message) {
        super(message + " (HTTP " + status + ", " + code + ")");
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
