package dev.cairn.cli.keys;

/** A command argument is invalid (exit code 2). */
final class BadArgumentException extends RuntimeException {
    BadArgumentException(String message) {
        super(message);
    }
}
