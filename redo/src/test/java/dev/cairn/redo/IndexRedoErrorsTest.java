package dev.cairn.redo;

import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.redo.page.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input for the index AMs' redo, from real records of stock PostgreSQL: a record meeting a page it was not
 * made on (another AM's page, a page of the wrong kind, a full page) or an info code PostgreSQL 15 does not
 * define is a RedoException naming the record, LSN, relation and block, never a silently wrong page.
 */
class IndexRedoErrorsTest {
    private static ConsistencyCheckedCluster cluster;
    private static final List<DecodedRecord> RECORDS = new ArrayList<>();

    @BeforeAll
    static void records() {
        cluster = ConsistencyCheckedCluster.start(false, Map.of("full_page_writes", "off"));
        cluster.sql("CREATE TABLE x (id int, p point, t tsvector)");
        cluster.sql("CREATE INDEX x_hash ON x USING hash (id)");
        cluster.sql("CREATE INDEX x_gist ON x USING gist (p)");
        cluster.sql("CREATE INDEX x_spgist ON x USING spgist (p)");
        cluster.sql("CREATE INDEX x_gin ON x USING gin (t) WITH (fastupdate = off)");
        cluster.sql("INSERT INTO x SELECT g, point(g, g), to_tsvector('simple', 'w' || g) FROM generate_series(1, 200) g");
        cluster.sql("CREATE INDEX x_brin ON x USING brin (id) WITH (pages_per_range = 1)");
        cluster.sql("INSERT INTO x VALUES (1000, point(1, 1), 'w1')");
        RECORDS.addAll(cluster.records());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static DecodedRecord last(String type) {
        return RECORDS.stream().filter(r -> BlockRedo.recordType(r).equals(type)).reduce((a, b) -> b).orElseThrow();
    }

    /** PostgreSQL's own page before the record: the image it logged with the last record of {@code type}. */
    private static byte[] imageOf(String type, int blockId) {
        DecodedRecord r = last(type);
        return BlockRedo.restoredImage(r, r.block(blockId));
    }

    private static DecodedRecord withInfo(DecodedRecord r, int info) {
        return r.withHeader(r.header().withInfo(info));
    }

    private static Page fullPage(byte[] image) {
        Page p = Page.wrap(image.clone());
        p.setLsn(dev.cairn.common.Lsn.of(1));
        p.setUpper(p.lower());
        return p;
    }

    @Test
    void aHashInsertOnAFullPageIsRefusedWithItsContext() {
        DecodedRecord insert = last("Hash/INSERT");
        BlockReference b = insert.block(0);
        assertThatThrownBy(() -> BlockRedo.apply(insert, b, fullPage(imageOf("Hash/INSERT", 0)).bytes()))
                .isInstanceOf(RedoException.class).hasMessageContaining("Hash/INSERT")
                .hasMessageContaining(insert.lsn().toString())
                .hasMessageContaining("block " + b.blockNumber() + " of relation " + b.rel())
                .hasMessageContaining("no room");
    }

    @Test
    void aHashMetapageChangeOnAnotherPageIsRefused() {
        DecodedRecord insert = last("Hash/INSERT");
        byte[] bucketPage = imageOf("Hash/INSERT", 0);
        assertThatThrownBy(() -> BlockRedo.apply(insert, insert.block(1), lsnOne(bucketPage)))
                .isInstanceOf(RedoException.class).hasMessageContaining("metapage expected");
    }

    @Test
    void aBrinRevmapUpdateOnARegularPageIsRefused() {
        DecodedRecord update = last("BRIN/INSERT");
        byte[] regular = imageOf("BRIN/INSERT", 0);
        assertThatThrownBy(() -> BlockRedo.apply(update, update.block(1), lsnOne(regular)))
                .isInstanceOf(RedoException.class).hasMessageContaining("revmap page expected");
    }

    @Test
    void aGinPostingTreeChangeOnAnEntryPageIsRefused() {
        DecodedRecord leaf = RECORDS.stream().filter(r -> r.rmgr() == RmgrId.GIN && r.rmgrInfo() == 0x20
                && (r.mainData().getShort(0) & 3) == 2).reduce((a, b) -> b).orElseThrow(); // an entry leaf insert
        DecodedRecord asData = withFlags(leaf, 3);
        assertThatThrownBy(() -> BlockRedo.apply(asData, asData.block(0), lsnOne(imageOf(leaf))))
                .isInstanceOf(RedoException.class).hasMessageContaining("posting tree leaf expected");
    }

    @Test
    void aGistRecordTooShortForTheTypeItClaimsIsRefused() {
        DecodedRecord update = last("Gist/PAGE_UPDATE");
        BlockReference b = update.block(0);
        byte[] page = imageOf("Gist/PAGE_UPDATE", 0);
        DecodedRecord asDelete = withInfo(update, 0x60); // PAGE_DELETE, whose main data is longer
        assertThatThrownBy(() -> BlockRedo.apply(asDelete, b, lsnOne(page)))
                .isInstanceOf(RedoException.class).hasMessageContaining("gistxlogPageDelete")
                .hasMessageContaining("shorter than");
    }

    @Test
    void anSpgistLeafOverALiveTupleIsRefused() {
        // the record again on the page it produced (PostgreSQL's image of it after the record, LSN reset so it
        // is not skipped): its offset now holds a live tuple, which only a placeholder may be replaced by
        DecodedRecord add = RECORDS.stream().filter(r -> BlockRedo.recordType(r).equals("SPGist/ADD_LEAF")
                && r.mainData().getShort(2) != r.mainData().getShort(4)).reduce((x, y) -> y).orElseThrow();
        assertThatThrownBy(() -> BlockRedo.apply(add, add.block(0), lsnOne(imageOf(add))))
                .isInstanceOf(RedoException.class).hasMessageContaining("SPGist/ADD_LEAF")
                .hasMessageContaining("not a placeholder");
    }

    @Test
    void unknownInfoCodesAreUnsupportedForEveryIndexAm() {
        for (String type : List.of("Hash/INSERT", "Gist/PAGE_UPDATE", "SPGist/ADD_LEAF", "BRIN/INSERT")) {
            DecodedRecord r = last(type);
            DecodedRecord unknown = withInfo(r, 0xF0);
            assertThatThrownBy(() -> BlockRedo.apply(unknown, unknown.block(0), lsnOne(imageOf(type, 0))))
                    .as(type).isInstanceOf(UnsupportedRedoException.class).hasMessageContaining("unknown");
        }
    }

    private static byte[] imageOf(DecodedRecord r) {
        return BlockRedo.restoredImage(r, r.block(0));
    }

    /** A copy of the page with LSN 1, so that no record is skipped as already applied. */
    private static byte[] lsnOne(byte[] page) {
        Page p = Page.wrap(page.clone());
        p.setLsn(dev.cairn.common.Lsn.of(1));
        return p.bytes();
    }

    /** The record with its ginxlogInsert flags replaced (main data is copied). */
    private static DecodedRecord withFlags(DecodedRecord r, int flags) {
        byte[] bytes = r.bytes().clone();
        bytes[r.mainDataOffset()] = (byte) flags;
        bytes[r.mainDataOffset() + 1] = 0;
        return new DecodedRecord(r.lsn(), r.endLsn(), r.header(), r.blocks(), r.origin(), r.toplevelXid(), bytes,
                r.mainDataOffset(), r.mainDataLength());
    }
}
