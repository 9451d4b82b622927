package dev.cairn.pageserver.service;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.TimelineKey;

/** A create for a timeline that is already there. */
public class TimelineExistsException extends PageserverException {
    public TimelineExistsException(TimelineKey key) {
        super("timeline " + key + " exists already");
    }
}
