package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.store.SlruKind;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.rmgr.MultiXactRecord;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * pg_multixact (multixact.c of PostgreSQL 15): offsets hold one u32 member
 * offset per multixact; members are stored in groups of four: four status
 * bytes, then four u32 xids.
 */
final class MultiXactRedo {
    static final int OFFSETS_PER_PAGE = PgConstants.BLCKSZ / 4;
    static final int MEMBERS_PER_GROUP = 4;
    static final int GROUP_SIZE = MEMBERS_PER_GROUP + MEMBERS_PER_GROUP * 4;
    static final int GROUPS_PER_PAGE = PgConstants.BLCKSZ / GROUP_SIZE;
    static final int MEMBERS_PER_PAGE = GROUPS_PER_PAGE * MEMBERS_PER_GROUP;

    private MultiXactRedo() {
    }

    static void apply(RecordContext ctx, MultiXactRecord rec, CheckpointTracker tracker) {
        switch (rec) {
            case MultiXactRecord.ZeroOffsetPage z ->
                    ctx.putSlruPage(SlruKind.MULTIXACT_OFFSETS, z.pageNumber(), new byte[PgConstants.BLCKSZ]);
            case MultiXactRecord.ZeroMemberPage z ->
                    ctx.putSlruPage(SlruKind.MULTIXACT_MEMBERS, z.pageNumber(), new byte[PgConstants.BLCKSZ]);
            case MultiXactRecord.CreateId c -> create(ctx, c, tracker);
            case MultiXactRecord.TruncateId t -> {
                long lastOffsetsPage = ((t.endTruncOff() - 1) & 0xFFFF_FFFFL) / OFFSETS_PER_PAGE;
                SlruTruncation.removeSegments(ctx, SlruKind.MULTIXACT_OFFSETS, 0,
                        lastOffsetsPage / SlruKind.PAGES_PER_SEGMENT);
                long fromSeg = (t.startTruncMemb() / MEMBERS_PER_PAGE) / SlruKind.PAGES_PER_SEGMENT;
                long toSeg = (t.endTruncMemb() / MEMBERS_PER_PAGE) / SlruKind.PAGES_PER_SEGMENT;
                SlruTruncation.removeSegments(ctx, SlruKind.MULTIXACT_MEMBERS, fromSeg, toSeg);
                tracker.advanceOldestMulti(t.endTruncOff(), t.oldestMultiDb());
            }
        }
    }

    private static void create(RecordContext ctx, MultiXactRecord.CreateId c, CheckpointTracker tracker) {
        long offsetsPage = c.multi() / OFFSETS_PER_PAGE;
        byte[] page = pageOrZeroes(ctx, SlruKind.MULTIXACT_OFFSETS, offsetsPage);
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) (c.multi() % OFFSETS_PER_PAGE) * 4, (int) c.offset());
        ctx.putSlruPage(SlruKind.MULTIXACT_OFFSETS, offsetsPage, page);

        long offset = c.offset();
        long maxXid = -1;
        for (MultiXactRecord.Member m : c.members()) {
            long memberPage = offset / MEMBERS_PER_PAGE;
            byte[] mp = pageOrZeroes(ctx, SlruKind.MULTIXACT_MEMBERS, memberPage);
            int inPage = (int) (offset % MEMBERS_PER_PAGE);
            int groupStart = (inPage / MEMBERS_PER_GROUP) * GROUP_SIZE;
            int slot = inPage % MEMBERS_PER_GROUP;
            mp[groupStart + slot] = (byte) m.status();
            ByteBuffer.wrap(mp).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(groupStart + MEMBERS_PER_GROUP + slot * 4, (int) m.xid());
            ctx.putSlruPage(SlruKind.MULTIXACT_MEMBERS, memberPage, mp);
            offset = (offset + 1) & 0xFFFF_FFFFL;
            tracker.advancePastXid(m.xid());
        }
        tracker.advanceMulti((c.multi() + 1) & 0xFFFF_FFFFL, offset);
    }

    private static byte[] pageOrZeroes(RecordContext ctx, SlruKind slru, long page) {
        byte[] p = ctx.slruPage(slru, page);
        return p != null ? p : new byte[PgConstants.BLCKSZ];
    }
}
