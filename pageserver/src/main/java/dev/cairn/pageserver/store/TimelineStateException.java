package dev.cairn.pageserver.store;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.TimelineKey;

/** The timeline lacks state an operation needs (not created, LSN before its import, ...). */
public class TimelineStateException extends PageserverException {
    public TimelineStateException(TimelineKey tl, String message) {
        super(tl + ": " + message);
    }
}
