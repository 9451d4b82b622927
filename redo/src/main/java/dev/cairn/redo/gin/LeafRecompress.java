package dev.cairn.redo.gin;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;
import dev.cairn.redo.page.RecordData;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ginRedoRecompress: a posting tree leaf's segments after the logged actions (delete, insert or replace a
 * segment, or add items to one). A leaf still in the pre-9.4 uncompressed format is first compressed into one
 * segment.
 */
final class LeafRecompress {
    static final int DELETE = 1;
    static final int INSERT = 2;
    static final int REPLACE = 3;
    static final int ADDITEMS = 4;

    private LeafRecompress() {
    }

    /** Applies the ginxlogRecompressDataLeaf at {@code pos} of {@code data} to a compressed leaf. */
    static void apply(Page page, ByteBuffer data, int pos) {
        GinPage.requireFlags(page, GinPage.DATA | GinPage.LEAF, "posting tree leaf");
        if ((GinPage.flags(page) & GinPage.COMPRESSED) == 0) {
            compressLegacy(page);
        }
        List<byte[]> old = segments(page);
        List<byte[]> out = new ArrayList<>();
        int nactions = RecordData.u16(RecordData.atLeast(data, pos + 2, "GIN leaf action count"), pos);
        pos += 2;
        int segno = 0;
        for (int a = 0; a < nactions; a++) {
            RecordData.atLeast(data, pos + 2, "GIN leaf action " + a);
            int target = data.get(pos) & 0xFF;
            int action = data.get(pos + 1) & 0xFF;
            pos += 2;
            byte[] newSegment = null;
            long[] added = null;
            if (action == INSERT || action == REPLACE) {
                if (pos + PostingList.HEADER_SIZE > data.remaining()) {
                    throw new PageCorruptException("GIN leaf action " + a + ": posting list header cut off");
                }
                byte[] header = new byte[PostingList.HEADER_SIZE];
                data.get(pos, header);
                int size = PostingList.sizeAt(header, 0);
                if (pos + size > data.remaining()) {
                    throw new PageCorruptException("GIN leaf action " + a + ": posting list of " + size
                            + " bytes cut off");
                }
                newSegment = new byte[size];
                data.get(pos, newSegment);
                pos += size;
            } else if (action == ADDITEMS) {
                int nitems = RecordData.u16(RecordData.atLeast(data, pos + 2, "GIN leaf added item count"), pos);
                pos += 2;
                if (pos + nitems * ItemPointer.SIZE > data.remaining()) {
                    throw new PageCorruptException("GIN leaf action " + a + ": " + nitems + " items cut off");
                }
                byte[] raw = new byte[nitems * ItemPointer.SIZE];
                data.get(pos, raw);
                pos += raw.length;
                added = new long[nitems];
                for (int i = 0; i < nitems; i++) {
                    added[i] = PostingList.itemAt(raw, i * ItemPointer.SIZE);
                }
            } else if (action != DELETE) {
                throw new PageCorruptException("unexpected GIN leaf action " + action);
            }
            if (target < segno || target > old.size()) {
                throw new PageCorruptException("GIN leaf action " + a + " on segment " + target + " (at segment "
                        + segno + " of " + old.size() + ")");
            }
            while (segno < target) {
                out.add(old.get(segno++));
            }
            if (action != INSERT && segno >= old.size()) {
                throw new PageCorruptException("GIN leaf action " + action + " on segment " + target
                        + " past the last of " + old.size());
            }
            switch (action) {
                case DELETE -> segno++;
                case INSERT -> out.add(newSegment);
                case REPLACE -> {
                    out.add(newSegment);
                    segno++;
                }
                default -> {
                    byte[] seg = old.get(segno++);
                    out.add(PostingList.encode(PostingList.merge(added, PostingList.decode(seg, 0))));
                }
            }
        }
        while (segno < old.size()) {
            out.add(old.get(segno++));
        }
        int at = GinPage.DATA_START;
        for (byte[] s : out) {
            if (at + s.length > page.specialOffset()) {
                throw new PageCorruptException("GIN leaf segments overflow the page");
            }
            page.copyIn(at, s, 0, s.length);
            at += s.length;
        }
        GinPage.setDataSize(page, at - GinPage.DATA_START);
    }

    /** The leaf's segments, each as SizeOfGinPostingList bytes. */
    private static List<byte[]> segments(Page page) {
        List<byte[]> list = new ArrayList<>();
        byte[] b = page.bytes();
        int end = GinPage.DATA_START + GinPage.dataSize(page);
        int at = GinPage.DATA_START;
        while (at < end) {
            int size = PostingList.sizeAt(b, at);
            if (at + size > end) {
                throw new PageCorruptException("GIN posting list segment at " + at + " runs past the data end " + end);
            }
            list.add(page.slice(at, size));
            at += size;
        }
        return list;
    }

    /** The pre-9.4 leaf: maxoff plain item pointers, packed into one compressed segment. */
    private static void compressLegacy(Page page) {
        int n = GinPage.maxoff(page);
        int size = 0;
        if (n > 0) {
            long[] items = new long[n];
            for (int i = 0; i < n; i++) {
                items[i] = PostingList.itemAt(page.bytes(), GinPage.DATA_START + i * ItemPointer.SIZE);
            }
            byte[] list = PostingList.encode(items);
            page.copyIn(GinPage.DATA_START, list, 0, list.length);
            size = list.length;
        }
        GinPage.setDataSize(page, size);
        GinPage.setFlags(page, GinPage.COMPRESSED, true);
        GinPage.setMaxoff(page, 0);
    }
}
