package dev.cairn.pageserver.store;

/** A write found the page store's disk full; nothing of it was stored. */
public class StoreFullException extends PageStoreException {
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
