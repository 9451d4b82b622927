package dev.cairn.pageserver.store;

import dev.cairn.pageserver.PageserverException;

/** RocksDB failed, or the store holds something it should not. */
public class PageStoreException extends PageserverException {
    public PageStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
