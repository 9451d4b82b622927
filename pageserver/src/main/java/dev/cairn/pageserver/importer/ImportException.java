package dev.cairn.pageserver.importer;

import dev.cairn.pageserver.PageserverException;

/** A data directory that cannot be imported as it is. */
public class ImportException extends PageserverException {
    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
