package dev.cairn.pgformat.rmgr;

/**
 * The typed payload of a WAL record, per resource manager. Produced by
 * {@link RecordDecoder}; records the storage tier does not interpret are
 * {@link OpaqueRecord}s.
 */
public sealed interface RmgrRecord
        permits XlogRecord, XactRecord, ClogRecord, MultiXactRecord, RelMapRecord, SmgrRecord, DbaseRecord,
        TablespaceRecord, StandbyRecord, OpaqueRecord {
}
