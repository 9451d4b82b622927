package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.common.Lsn;

/** Records of the XLOG resource manager (rmgr 0), per pg_control.h / xlog_internal.h. */
public sealed interface XlogRecord extends RmgrRecord {
    int CHECKPOINT_SHUTDOWN = 0x00;
    int CHECKPOINT_ONLINE = 0x10;
    int NOOP = 0x20;
    int NEXTOID = 0x30;
    int SWITCH = 0x40;
    int BACKUP_END = 0x50;
    int PARAMETER_CHANGE = 0x60;
    int RESTORE_POINT = 0x70;
    int FPW_CHANGE = 0x80;
    int END_OF_RECOVERY = 0x90;
    int FPI_FOR_HINT = 0xA0;
    int FPI = 0xB0;
    int OVERWRITE_CONTRECORD = 0xD0;

    /** CHECKPOINT_SHUTDOWN or CHECKPOINT_ONLINE. */
    record Checkpoint(boolean shutdown, CheckPoint checkpoint) implements XlogRecord {
    }

    /** NOOP: arbitrary filler of the given length. */
    record Noop(int length) implements XlogRecord {
    }

    record NextOid(long nextOid) implements XlogRecord {
    }

    /** SWITCH: the rest of the segment is unused. */
    record Switch() implements XlogRecord {
    }

    /** BACKUP_END: a base backup that started at {@code startPoint} has ended. */
    record BackupEnd(Lsn startPoint) implements XlogRecord {
    }

    record ParameterChange(int maxConnections, int maxWorkerProcesses, int maxWalSenders, int maxPreparedXacts,
                           int maxLocksPerXact, int walLevel, boolean walLogHints, boolean trackCommitTimestamp)
            implements XlogRecord {
        public String walLevelName() {
            return switch (walLevel) {
                case 0 -> "minimal";
                case 1 -> "replica";
                case 2 -> "logical";
                default -> "?";
            };
        }
    }

    record RestorePoint(PgTimestamp time, String name) implements XlogRecord {
    }

    record FpwChange(boolean fullPageWrites) implements XlogRecord {
    }

    record EndOfRecovery(PgTimestamp endTime, long thisTimeline, long prevTimeline) implements XlogRecord {
    }

    record OverwriteContrecord(Lsn overwrittenLsn, PgTimestamp overwriteTime) implements XlogRecord {
    }

    /** FPI or FPI_FOR_HINT: the content is the full-page images in the block references. */
    record FullPageImages(boolean forHint) implements XlogRecord {
    }
}
