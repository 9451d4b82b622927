package dev.cairn.redo;

import dev.cairn.pgformat.wal.RmgrId;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every PostgreSQL 15 resource manager whose records register relation blocks (rmgrlist.h; XLOG's only as
 * full-page images, which are restored) has Java redo, so a compute needs no wal_consistency_checking at all.
 */
class BlockRedoCoverageTest {
    private static final EnumSet<RmgrId> REGISTER_BLOCKS = EnumSet.of(RmgrId.HEAP2, RmgrId.HEAP, RmgrId.BTREE,
            RmgrId.HASH, RmgrId.GIN, RmgrId.GIST, RmgrId.SEQ, RmgrId.SPGIST, RmgrId.BRIN, RmgrId.GENERIC);

    @Test
    void everyResourceManagerThatChangesBlocksHasRedo() {
        assertThat(BlockRedo.covered()).containsAll(REGISTER_BLOCKS);
        for (RmgrId r : REGISTER_BLOCKS) {
            assertThat(BlockRedo.forRmgr(r)).as(r.pgName).isNotNull();
        }
        assertThat(BlockRedo.consistencyCheckingSetting()).isEmpty();
    }

    @Test
    void noRedoIsClaimedForResourceManagersThatChangeNoBlock() {
        assertThat(BlockRedo.covered()).doesNotContain(RmgrId.XACT, RmgrId.CLOG, RmgrId.MULTIXACT, RmgrId.SMGR,
                RmgrId.DBASE, RmgrId.STANDBY, RmgrId.RELMAP, RmgrId.LOGICALMSG);
        assertThat(BlockRedo.forRmgr(null)).isNull();
    }
}
