package dev.cairn.compute;

/** The compute manager refused a request: HTTP status, error code and its message. */
public class ComputeManagerException extends RuntimeException {
    private final int status;
    private final String code;

    public ComputeManagerException(int status, String code, String message) {
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
