package dev.cairn.pgformat.rmgr;

import java.util.List;

/** Records of the Database resource manager (rmgr 4), per commands/dbcommands_xlog.h. */
public sealed interface DbaseRecord extends RmgrRecord {
    int CREATE_FILE_COPY = 0x00;
    int CREATE_WAL_LOG = 0x10;
    int DROP = 0x20;

    /**
     * CREATE DATABASE ... STRATEGY file_copy: the target directory is a copy of the
     * source database's directory, which the WAL does not contain.
     */
    record CreateFileCopy(long dbId, long tablespaceId, long srcDbId, long srcTablespaceId) implements DbaseRecord {
    }

    /** CREATE DATABASE ... STRATEGY wal_log: only the directory; the contents follow as ordinary WAL. */
    record CreateWalLog(long dbId, long tablespaceId) implements DbaseRecord {
    }

    /** DROP DATABASE: the database's directories in these tablespaces are removed. */
    record Drop(long dbId, List<Long> tablespaceIds) implements DbaseRecord {
    }
}
