package dev.cairn.pageserver.store;

import dev.cairn.pageserver.PageserverException;
import dev.cairn.pageserver.RelFork;
import dev.cairn.common.TimelineKey;
import dev.cairn.common.Lsn;

/** GetPage@LSN for a block that does not exist at that LSN. */
public class PageNotFoundException extends PageserverException {
    public PageNotFoundException(TimelineKey tl, RelFork rf, long block, Lsn lsn, String why) {
        super("no block " + block + " of " + rf + " at " + lsn + " on " + tl + ": " + why);
    }
}
