package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.DbaseRecord;

import java.util.Map;

/**
 * CREATE DATABASE, ALTER DATABASE SET TABLESPACE and DROP DATABASE, in any
 * tablespace. The WAL_LOG strategy logs the new database's pages as ordinary
 * records; FILE_COPY logs only "copy directory A to B", so we copy the
 * source database's relations in that tablespace and its relmapper file as
 * they are at this record. Moving a database to another tablespace is such a
 * copy followed by a drop of the old directory.
 */
final class DatabaseRedo {
    private DatabaseRedo() {
    }

    static void apply(RecordContext ctx, DbaseRecord rec, Relations relations) {
        switch (rec) {
            case DbaseRecord.CreateFileCopy c -> copy(ctx, c, relations);
            case DbaseRecord.CreateWalLog c -> {
                // only the directory: the relmapper file and the relations follow as their own records
            }
            case DbaseRecord.Drop d -> {
                for (long ts : d.tablespaceIds()) {
                    for (RelFork rf : ctx.timeline.relForks(ctx.lsn).keySet()) {
                        if (rf.rel().spcOid() == ts && rf.rel().dbOid() == d.dbId()) {
                            relations.drop(ctx, rf.rel());
                        }
                    }
                    ctx.writes.put(KeyCodec.relmap(ctx.ref(), ts, d.dbId(), ctx.lsn), null);
                }
            }
        }
    }

    private static void copy(RecordContext ctx, DbaseRecord.CreateFileCopy c, Relations relations) {
        for (Map.Entry<RelFork, RelState> e : ctx.timeline.relForks(ctx.lsn).entrySet()) {
            RelFork src = e.getKey();
            if (src.rel().spcOid() != c.srcTablespaceId() || src.rel().dbOid() != c.srcDbId()) {
                continue;
            }
            RelFork dst = new RelFork(new RelFileLocator(c.tablespaceId(), c.dbId(), src.rel().relNumber()), src.fork());
            RelState state = e.getValue();
            relations.extend(ctx, dst, state.nblocks());
            for (long b = 0; b < state.nblocks(); b++) {
                byte[] page = ctx.timeline.storedPage(src, b, ctx.lsn, state);
                if (page != null) {
                    relations.putPage(ctx, dst, b, page);
                }
            }
        }
        byte[] map = ctx.timeline.relmap(c.srcTablespaceId(), c.srcDbId(), ctx.lsn);
        if (map != null) {
            ctx.writes.put(KeyCodec.relmap(ctx.ref(), c.tablespaceId(), c.dbId(), ctx.lsn), map);
        }
    }
}
