package dev.cairn.compute;

import dev.cairn.common.TimelineKey;

/** A compute could not start or run; the message names the endpoint, timeline and step. */
public class ComputeException extends RuntimeException {
    public ComputeException(String endpoint, TimelineKey timeline, String message, Throwable cause) {
        super("endpoint " + endpoint + " (timeline " + timeline + "): " + message, cause);
    }
}
