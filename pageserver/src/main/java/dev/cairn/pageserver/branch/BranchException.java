package dev.cairn.pageserver.branch;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/** A branch that could not be made for a reason other than its LSN (the copy broke off, the disk failed, ...). */
public class BranchException extends PageserverException {
    public BranchException(TimelineKey source, Lsn at, TimelineKey target, String message, Throwable cause) {
        super("cannot branch " + target + " from " + source + " at " + at + ": " + message, cause);
    }
}
