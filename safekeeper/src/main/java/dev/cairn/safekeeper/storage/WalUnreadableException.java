package dev.cairn.safekeeper.storage;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;

/**
 * Stored WAL that cannot be read for a reason a torn write does not explain (wrong key, tampering, a
 * foreign file). Never repaired by cutting: an operator has to look.
 */
public final class WalUnreadableException extends RuntimeException {
    private final TimelineKey timeline;
    private final Lsn lsn;

    public WalUnreadableException(TimelineKey timeline, Lsn lsn, String reason, Throwable cause) {
        super("WAL of timeline " + timeline + " at " + lsn + ": " + reason, cause);
        this.timeline = timeline;
        this.lsn = lsn;
    }

    public TimelineKey timeline() {
        return timeline;
    }

    public Lsn lsn() {
        return lsn;
    }
}
