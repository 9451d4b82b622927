package dev.cairn.pageserver.store;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.PageserverException;
import dev.cairn.pageserver.RelFork;
import dev.cairn.redo.RedoException;

/** A page that cannot be materialised: a stored delta does not apply to the version before it. */
public final class PageRedoException extends PageserverException {
    public PageRedoException(TimelineKey tl, RelFork rf, long block, Lsn lsn, RedoException cause) {
        super("cannot materialise block " + block + " of " + rf + " at " + lsn + " on " + tl + ": "
                + cause.getMessage(), cause);
    }
}
