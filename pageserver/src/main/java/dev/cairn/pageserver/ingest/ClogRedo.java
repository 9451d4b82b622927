package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.rmgr.ClogRecord;

/**
 * pg_xact: two status bits per transaction, four transactions per byte
 * (clog.c). Commit and abort records set the final status of a transaction
 * and its subtransactions; CLOG records zero and truncate pages.
 */
final class ClogRedo {
    static final int XACTS_PER_BYTE = 4;
    static final int XACTS_PER_PAGE = PgConstants.BLCKSZ * XACTS_PER_BYTE;
    static final int COMMITTED = 0x01;
    static final int ABORTED = 0x02;

    private ClogRedo() {
    }

    static void setStatus(RecordContext ctx, Iterable<Long> xids, int status) {
        for (long xid : xids) {
            long pageNo = xid / XACTS_PER_PAGE;
            // redo of a commit on a page never zeroed reads zeroes, as slru.c does in recovery
            byte[] page = ctx.slruPage(SlruKind.XACT, pageNo);
            if (page == null) {
                page = new byte[PgConstants.BLCKSZ];
            }
            int byteNo = (int) ((xid % XACTS_PER_PAGE) / XACTS_PER_BYTE);
            int shift = (int) (xid % XACTS_PER_BYTE) * 2;
            page[byteNo] = (byte) ((page[byteNo] & ~(0x03 << shift)) | (status << shift));
            ctx.putSlruPage(SlruKind.XACT, pageNo, page);
        }
    }

    static void apply(RecordContext ctx, ClogRecord rec, CheckpointTracker tracker) {
        switch (rec) {
            case ClogRecord.ZeroPage z -> ctx.putSlruPage(SlruKind.XACT, z.pageNumber(), new byte[PgConstants.BLCKSZ]);
            case ClogRecord.Truncate t -> {
                SlruTruncation.removeSegments(ctx, SlruKind.XACT, 0, t.pageNumber() / SlruKind.PAGES_PER_SEGMENT);
                // vac_truncate_clog sets the xid wrap limit from the same value (logged only by the next checkpoint)
                tracker.advanceOldestXid(t.oldestXact(), t.oldestXactDb());
            }
        }
    }
}
