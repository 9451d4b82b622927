package dev.cairn.redo.btree;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.XLogRecordHeader;
import dev.cairn.redo.BlockRedo;
import dev.cairn.redo.RedoException;
import dev.cairn.redo.UnsupportedRedoException;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What btree redo refuses: unknown op codes and block-changing REUSE_PAGE as unsupported, records that do not fit
 * the page or are malformed as corruption, with the offsets and sizes involved. Pages are made by redo itself
 * (a new leaf root, inserts), not written by hand.
 */
class BtreeRedoErrorsTest {
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16384);
    private static final Lsn LSN = Lsn.parse("0/2000000");
    private final BtreeRedo redo = new BtreeRedo();

    private record Block(int id, long number, boolean willInit, byte[] data) {
    }

    /** A record whose bytes are its main data followed by each block's data. */
    private static DecodedRecord record(int info, byte[] main, Block... blocks) {
        ByteBuffer bytes = ByteBuffer.allocate(main.length + List.of(blocks).stream()
                .mapToInt(b -> b.data().length).sum());
        bytes.put(main);
        List<BlockReference> refs = new ArrayList<>();
        for (Block b : blocks) {
            int flags = (b.data().length > 0 ? BlockReference.BKPBLOCK_HAS_DATA : 0)
                    | (b.willInit() ? BlockReference.BKPBLOCK_WILL_INIT : 0);
            refs.add(new BlockReference(b.id(), REL, 0, b.number(), flags, 0, 0, 0, 0, bytes.array(), 0,
                    bytes.position(), b.data().length));
            bytes.put(b.data());
        }
        XLogRecordHeader h = new XLogRecordHeader(XLogRecordHeader.SIZE + bytes.capacity(), 700, LSN, info,
                RmgrId.BTREE.id, 0);
        return new DecodedRecord(LSN, LSN.plus(h.totalLength()), h, refs, -1, 0, bytes.array(), 0, main.length);
    }

    private static byte[] le(int... u16s) {
        ByteBuffer b = ByteBuffer.allocate(2 * u16s.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : u16s) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] metadata(int version) {
        ByteBuffer b = ByteBuffer.allocate(BtreeMeta.XL_METADATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(version).putInt(1).putInt(0).putInt(1).putInt(0).putInt(0).put((byte) 1);
        return b.array();
    }

    /** Block 1 after NEWROOT of an empty index: a leaf root, then two inserted int4 tuples. */
    private Page leafRootWithTwoItems() {
        byte[] newRoot = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0).array();
        DecodedRecord rec = record(BtreeRedo.NEWROOT, newRoot, new Block(0, 1, true, new byte[0]),
                new Block(2, 0, true, metadata(4)));
        Page page = Page.zeroed();
        redo.redo(rec, rec.block(0), page);
        for (int i = 1; i <= 2; i++) {
            DecodedRecord insert = record(BtreeRedo.INSERT_LEAF, le(i),
                    new Block(0, 1, false, PostingsTest.intTuple(i, 0, i).bytes()));
            redo.redo(insert, insert.block(0), page);
        }
        return page;
    }

    @Test
    void redoneLeafRootIsARootLeafWithTheInsertedItems() {
        Page page = leafRootWithTwoItems();
        BtreePage opaque = BtreePage.of(page);
        assertThat(opaque.flags()).isEqualTo(BtreePage.ROOT | BtreePage.LEAF);
        assertThat(page.maxOffset()).isEqualTo(2);
        assertThat(IndexTuple.read(page, 2).bytes()).isEqualTo(PostingsTest.intTuple(2, 0, 2).bytes());
    }

    @Test
    void unknownOpCodeIsUnsupported() {
        DecodedRecord rec = record(0xF0, new byte[2], new Block(0, 1, false, new byte[0]));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(UnsupportedRedoException.class)
                .hasMessageContaining("unknown btree op code 0xf0");
    }

    @Test
    void reusePageChangesNoBlock() {
        DecodedRecord rec = record(BtreeRedo.REUSE_PAGE, new byte[24], new Block(0, 1, false, new byte[0]));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(UnsupportedRedoException.class)
                .hasMessageContaining("REUSE_PAGE changes no block");
    }

    @Test
    void insertPastTheLineArrayIsCorruption() {
        DecodedRecord rec = record(BtreeRedo.INSERT_LEAF, le(5),
                new Block(0, 1, false, PostingsTest.intTuple(5, 0, 5).bytes()));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("item offset 5 is too large (2 items)");
    }

    @Test
    void blockIdTheRecordTypeDoesNotUseIsCorruption() {
        DecodedRecord rec = record(BtreeRedo.INSERT_LEAF, le(3), new Block(1, 1, false, new byte[0]));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(1), leafRootWithTwoItems()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("Btree/INSERT_LEAF has no block id 1 to redo");
    }

    @Test
    void postingSplitOfAPlainTupleIsCorruption() {
        ByteBuffer data = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1)
                .put(PostingsTest.intTuple(2, 0, 3).bytes());
        DecodedRecord rec = record(BtreeRedo.INSERT_POST, le(3), new Block(0, 1, false, data.array()));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("posting list split at offset 1 of a tuple that is not a posting list");
    }

    @Test
    void vacuumDataMustMatchItsCounts() {
        DecodedRecord rec = record(BtreeRedo.VACUUM, le(1, 0), new Block(0, 1, false, le(1, 2)));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("deletion data is 4 bytes, but 1 deleted and 0 updated items take 2");
    }

    @Test
    void dedupMustReproduceTheLoggedIntervals() {
        // redo merges what the intervals say (as PostgreSQL does, keys unchecked): an interval of three items
        // on a page of two cannot be reproduced
        DecodedRecord rec = record(BtreeRedo.DEDUP, le(1), new Block(0, 1, false, le(1, 3)));
        assertThatThrownBy(() -> redo.redo(rec, rec.block(0), leafRootWithTwoItems()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("deduplication of 2 items made intervals [Interval[baseOff=1, nitems=2]], the record logged"
                        + " [Interval[baseOff=1, nitems=3]]");
    }

    @Test
    void metadataOfTheWrongSizeOrVersionIsCorruption() {
        DecodedRecord shortMeta = record(BtreeRedo.META_CLEANUP, new byte[0], new Block(0, 0, true, new byte[20]));
        assertThatThrownBy(() -> redo.redo(shortMeta, shortMeta.block(0), Page.zeroed()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessage("btree metadata is 20 bytes, not 28");
        DecodedRecord oldMeta = record(BtreeRedo.META_CLEANUP, new byte[0], new Block(0, 0, true, metadata(2)));
        assertThatThrownBy(() -> redo.redo(oldMeta, oldMeta.block(0), Page.zeroed()))
                .isInstanceOf(PageCorruptException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void blockRedoNamesTheRecordAndBlock() {
        DecodedRecord rec = record(BtreeRedo.INSERT_LEAF, le(9),
                new Block(0, 1, false, PostingsTest.intTuple(9, 0, 9).bytes()));
        byte[] before = leafRootWithTwoItems().bytes();
        assertThatThrownBy(() -> BlockRedo.apply(rec, rec.block(0), before))
                .isInstanceOf(RedoException.class)
                .hasMessageContaining("Btree/INSERT_LEAF at " + LSN + " on block 1")
                .hasMessageContaining("item offset 9 is too large");
    }
}
