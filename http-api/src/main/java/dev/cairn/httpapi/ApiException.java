package dev.cairn.httpapi;

/** A service's API refused a request (client side): HTTP status, error code and the service's message. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
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
