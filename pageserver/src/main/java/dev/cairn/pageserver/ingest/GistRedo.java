package dev.cairn.pageserver.ingest;

import dev.cairn.pageserver.RelFork;
import dev.cairn.pageserver.store.RelState;
import dev.cairn.pgformat.page.PageHeader;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.RmgrId;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one change PostgreSQL makes to a registered block after taking its
 * image: when GiST inserts the downlink of a split child, it sets the left
 * child's NSN to the record's end and clears F_FOLLOW_RIGHT after XLogInsert
 * (gistplacetopage), so the image lacks both and redo applies them even over
 * an image (gistRedoClearFollowRight). gist_mask masks exactly these fields.
 */
final class GistRedo {
    static final int PAGE_UPDATE = 0x00;
    static final int PAGE_SPLIT = 0x30;
    static final int F_FOLLOW_RIGHT = 1 << 3;

    private GistRedo() {
    }

    static void apply(RecordContext ctx, Relations relations) {
        if (ctx.record.rmgr() != RmgrId.GIST) {
            return;
        }
        int op = ctx.record.rmgrInfo();
        BlockReference left = switch (op) {
            case PAGE_UPDATE -> ctx.record.block(1);
            case PAGE_SPLIT -> ctx.record.block(0);
            default -> null;
        };
        if (left == null) {
            return;
        }
        RelFork rf = new RelFork(left.rel(), left.fork());
        RelState state = relations.state(ctx, rf);
        byte[] page = state == null ? null : ctx.timeline.storedPage(rf, left.blockNumber(), ctx.lsn, state);
        if (page == null) {
            return;
        }
        page = page.clone();
        int special = PageHeader.read(page).special();
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        long nsn = ctx.record.pageLsn().value();
        b.putInt(special, (int) (nsn >>> 32));
        b.putInt(special + 4, (int) nsn);
        int flags = Short.toUnsignedInt(b.getShort(special + 12));
        b.putShort(special + 12, (short) (flags & ~F_FOLLOW_RIGHT));
        relations.putPage(ctx, rf, left.blockNumber(), page);
    }
}
