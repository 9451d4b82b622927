package dev.cairn.redo.page;

/** The page has no room for the item a record places on it: the page is not the one the record was made on. */
public final class PageFullException extends PageCorruptException {
    public PageFullException(String message) {
        super(message);
    }
}
