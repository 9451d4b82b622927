package dev.cairn.safekeeper.api;

/** A protocol message that cannot be a valid request (missing fields, bad ids, bad history). */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }
}
