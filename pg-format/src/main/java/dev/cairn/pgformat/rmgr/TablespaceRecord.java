package dev.cairn.pgformat.rmgr;

/** Records of the Tablespace resource manager (rmgr 5), per commands/tablespace.h. */
public sealed interface TablespaceRecord extends RmgrRecord {
    int CREATE = 0x00;
    int DROP = 0x10;

    long tablespaceId();

    /**
     * CREATE TABLESPACE: {@code location} is the directory the server links pg_tblspc/OID to, or the empty
     * string for an in-place tablespace (allow_in_place_tablespaces), whose directory is pg_tblspc/OID itself.
     */
    record Create(long tablespaceId, String location) implements TablespaceRecord {
    }

    /** DROP TABLESPACE: the tablespace's directories are removed (it is empty by then). */
    record Drop(long tablespaceId) implements TablespaceRecord {
    }
}
