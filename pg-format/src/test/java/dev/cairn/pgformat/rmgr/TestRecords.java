package dev.cairn.pgformat.rmgr;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.XLogRecordHeader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-built records for unit tests: the main data is the whole byte array. */
final class TestRecords {
    static final Lsn LSN = Lsn.parse("0/1234568");

    private TestRecords() {
    }

    static DecodedRecord record(int rmid, int info, int xid, byte[] mainData, BlockReference... blocks) {
        XLogRecordHeader h = new XLogRecordHeader(XLogRecordHeader.SIZE + mainData.length, xid, Lsn.parse("0/1234500"),
                info, rmid, 0);
        return new DecodedRecord(LSN, LSN.plus(h.totalLength()), h, List.of(blocks), -1, 0, mainData, 0,
                mainData.length);
    }

    static BlockReference block(int id, RelFileLocator rel, int fork, long blockNumber) {
        return new BlockReference(id, rel, fork, blockNumber, fork, 0, 0, 0, 0, new byte[0], 0, 0, 0);
    }

    /** A little-endian byte builder mirroring C struct layouts. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return put(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v));
        }

        Bytes u32(long v) {
            return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v));
        }

        Bytes u64(long v) {
            return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v));
        }

        Bytes rel(RelFileLocator r) {
            return u32(r.spcOid()).u32(r.dbOid()).u32(r.relNumber());
        }

        Bytes cstring(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            return u8(0);
        }

        Bytes zeros(int n) {
            out.writeBytes(new byte[n]);
            return this;
        }

        Bytes alignTo(int alignment) {
            while (out.size() % alignment != 0) {
                out.write(0);
            }
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toArray() {
            return out.toByteArray();
        }

        private Bytes put(ByteBuffer b) {
            out.writeBytes(b.array());
            return this;
        }
    }
}
