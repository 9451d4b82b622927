package dev.cairn.pageserver;

/** Base of the pageserver's typed errors; messages name the tenant, timeline, LSN and object involved. */
public class PageserverException extends RuntimeException {
    public PageserverException(String message) {
        super(message);
    }

    public PageserverException(String message, Throwable cause) {
        super(message, cause);
    }
}
