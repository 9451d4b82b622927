package dev.cairn.redo.btree;

import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * _bt_restore_page: an empty page refilled from a logged copy of another page's tuple space (pd_upper to
 * pd_special). Tuples were added in item number order, so the highest item comes first in the copy; they are
 * added back in reverse to get the same line pointers and the same physical order.
 */
final class PageRestore {
    /** MaxIndexTuplesPerPage. */
    static final int MAX_INDEX_TUPLES_PER_PAGE = (Page.SIZE - Page.HEADER_SIZE)
            / (Page.maxAlign(IndexTuple.HEADER_SIZE) + Page.ITEM_ID_SIZE);

    private PageRestore() {
    }

    static void restore(Page page, ByteBuffer from, String what) {
        int len = from.remaining();
        List<int[]> items = new ArrayList<>();
        int pos = 0;
        while (pos < len) {
            int size = Page.maxAlign(IndexTupleData.sizeInData(from, pos, what));
            if (size < IndexTuple.HEADER_SIZE || pos + size > len) {
                throw new PageCorruptException(what + ": tuple of " + size + " bytes at data offset " + pos
                        + " does not fit the " + len + " bytes logged");
            }
            if (items.size() == MAX_INDEX_TUPLES_PER_PAGE) {
                throw new PageCorruptException(what + ": more than " + MAX_INDEX_TUPLES_PER_PAGE
                        + " tuples in " + len + " bytes");
            }
            items.add(new int[] {pos, size});
            pos += size;
        }
        int n = items.size();
        for (int i = n - 1; i >= 0; i--) {
            int[] item = items.get(i);
            byte[] bytes = new byte[item[1]];
            from.get(item[0], bytes);
            page.addItem(bytes, bytes.length, n - i, false, false);
        }
    }
}
