package dev.cairn.redo.btree;

import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;

/**
 * The metapage (block 0, BTMetaPageData after the page header) rebuilt from a record's xl_btree_metadata, as
 * _bt_restore_meta does for INSERT_META, NEWROOT, UNLINK_PAGE_META and META_CLEANUP.
 */
final class BtreeMeta {
    static final long METAPAGE = 0;
    static final int MAGIC = 0x053162;
    /** BTREE_NOVAC_VERSION: the oldest version whose metapage redo can write. */
    static final int NOVAC_VERSION = 3;
    /** sizeof(xl_btree_metadata): six uint32 and a bool, padded to 4. */
    static final int XL_METADATA_SIZE = 28;
    /** sizeof(BTMetaPageData): its float8 aligns it to 8. */
    static final int META_SIZE = 48;

    private static final int MAGIC_AT = 0;
    private static final int VERSION_AT = 4;
    private static final int ROOT_AT = 8;
    private static final int LEVEL_AT = 12;
    private static final int FASTROOT_AT = 16;
    private static final int FASTLEVEL_AT = 20;
    private static final int NUM_DELPAGES_AT = 24;
    private static final int NUM_HEAP_TUPLES_AT = 32;
    private static final int ALLEQUALIMAGE_AT = 40;

    private BtreeMeta() {
    }

    /** _bt_restore_meta: {@code page} becomes the metapage the record's metadata describes. */
    static void restore(Page page, long blockNumber, ByteBuffer xlMeta) {
        if (xlMeta.remaining() != XL_METADATA_SIZE) {
            throw new PageCorruptException("btree metadata is " + xlMeta.remaining() + " bytes, not "
                    + XL_METADATA_SIZE);
        }
        if (blockNumber != METAPAGE) {
            throw new PageCorruptException("btree metadata logged for block " + blockNumber
                    + ", but the metapage is block " + METAPAGE);
        }
        long version = xlMeta.getInt(0) & 0xFFFFFFFFL;
        if (version < NOVAC_VERSION) {
            throw new PageCorruptException("btree metadata of version " + version + " cannot be logged (oldest "
                    + NOVAC_VERSION + ")");
        }
        BtreePage opaque = BtreePage.init(page);
        int md = BtreePage.CONTENTS;
        page.put32(md + MAGIC_AT, MAGIC);
        page.put32(md + VERSION_AT, version);
        page.put32(md + ROOT_AT, xlMeta.getInt(4));
        page.put32(md + LEVEL_AT, xlMeta.getInt(8));
        page.put32(md + FASTROOT_AT, xlMeta.getInt(12));
        page.put32(md + FASTLEVEL_AT, xlMeta.getInt(16));
        page.put32(md + NUM_DELPAGES_AT, xlMeta.getInt(20));
        long minusOne = Double.doubleToRawLongBits(-1.0);
        page.put32(md + NUM_HEAP_TUPLES_AT, minusOne);
        page.put32(md + NUM_HEAP_TUPLES_AT + 4, minusOne >>> 32);
        page.put8(md + ALLEQUALIMAGE_AT, xlMeta.get(24));
        opaque.setFlags(BtreePage.META);
        page.setLower(md + META_SIZE);
    }
}
