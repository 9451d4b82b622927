package dev.cairn.redo.page;

/**
 * A page, or a record's view of it, that PostgreSQL's page routines would refuse (PANIC or ERROR in bufpage.c):
 * pointers out of order, an offset past the line pointer array, an item where the record says there is none.
 * Redo wraps it with the record's LSN and block ({@code RedoException}).
 */
public class PageCorruptException extends RuntimeException {
    public PageCorruptException(String message) {
        super(message);
    }
}
