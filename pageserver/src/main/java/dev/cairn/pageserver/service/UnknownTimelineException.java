package dev.cairn.pageserver.service;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.TimelineKey;

/** No such timeline on this pageserver. */
public class UnknownTimelineException extends PageserverException {
    public UnknownTimelineException(TimelineKey key) {
        super("timeline " + key + " does not exist on this pageserver");
    }
}
