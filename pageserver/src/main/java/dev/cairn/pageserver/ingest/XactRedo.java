package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.XactRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Transaction records: the final CLOG status of a transaction and its
 * subtransactions (also for COMMIT/ABORT PREPARED), the relation files its
 * end unlinks, and two-phase state (PREPARE stores what PostgreSQL writes to
 * pg_twophase; finishing the prepared transaction removes it).
 */
final class XactRedo {
    private XactRedo() {
    }

    static void apply(RecordContext ctx, XactRecord rec, Relations relations, CheckpointTracker tracker) {
        switch (rec) {
            case XactRecord.Completion c -> {
                List<Long> xids = new ArrayList<>(1 + c.subxacts().size());
                xids.add(c.xid());
                xids.addAll(c.subxacts());
                ClogRedo.setStatus(ctx, xids, c.committed() ? ClogRedo.COMMITTED : ClogRedo.ABORTED);
                for (RelFileLocator rel : c.droppedRels()) {
                    relations.drop(ctx, rel);
                }
                if (c.prepared()) {
                    ctx.writes.put(KeyCodec.twophase(ctx.ref(), c.xid(), ctx.lsn), null);
                }
                xids.forEach(tracker::advancePastXid);
            }
            case XactRecord.Prepare p -> {
                // the record's main data is the two-phase state file without its trailing CRC
                ByteBuffer data = ctx.record.mainData();
                byte[] state = new byte[data.remaining()];
                data.get(state);
                ctx.writes.put(KeyCodec.twophase(ctx.ref(), p.xid(), ctx.lsn), state);
                tracker.advancePastXid(p.xid());
                p.subxacts().forEach(tracker::advancePastXid);
            }
            default -> {
            }
        }
    }
}
