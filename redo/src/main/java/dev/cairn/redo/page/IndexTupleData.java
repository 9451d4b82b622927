package dev.cairn.redo.page;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Index tuples as every index AM logs them (itup.h IndexTupleData: t_tid, then t_info with the size). */
public final class IndexTupleData {
    /** sizeof(IndexTupleData). */
    public static final int HEADER_SIZE = 8;
    private static final int INFO = 6;
    /** INDEX_SIZE_MASK: t_info's low 13 bits. */
    public static final int SIZE_MASK = 0x1FFF;

    private IndexTupleData() {
    }

    /** IndexTupleSize of the tuple whose header starts at {@code pos} in record data. */
    public static int sizeInData(ByteBuffer data, int pos, String what) {
        if (pos + HEADER_SIZE > data.remaining()) {
            throw new PageCorruptException(what + ": no index tuple header at data offset " + pos + " of "
                    + data.remaining());
        }
        return sizeOf(data.getShort(pos + INFO) & 0xFFFF);
    }

    /** IndexTupleSize from a tuple's t_info. */
    public static int sizeOf(int info) {
        return info & SIZE_MASK;
    }

    /**
     * The tuples laid end to end in record data from {@code pos} to {@code end}, each a copy of IndexTupleSize
     * bytes; the last must end exactly at {@code end}.
     */
    public static List<byte[]> listInData(ByteBuffer data, int pos, int end, String what) {
        List<byte[]> tuples = new ArrayList<>();
        while (pos < end) {
            int size = sizeInData(data, pos, what);
            if (size < HEADER_SIZE || pos + size > end) {
                throw new PageCorruptException(what + ": index tuple of " + size + " bytes at data offset " + pos
                        + " does not fit the " + end + " bytes logged");
            }
            byte[] t = new byte[size];
            data.get(pos, t);
            tuples.add(t);
            pos += size;
        }
        return tuples;
    }
}
