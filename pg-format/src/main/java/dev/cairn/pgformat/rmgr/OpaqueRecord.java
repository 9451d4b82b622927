package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.XLogRecordHeader;

import java.util.List;

/**
 * A record whose rmgr or record type has no typed decoder (heap, btree,
 * custom rmgrs, unknown info values...): only the header and the block
 * references, which is all that image-based ingest needs.
 */
public record OpaqueRecord(XLogRecordHeader header, List<BlockReference> blocks) implements RmgrRecord {
    public OpaqueRecord {
        blocks = List.copyOf(blocks);
    }
}
