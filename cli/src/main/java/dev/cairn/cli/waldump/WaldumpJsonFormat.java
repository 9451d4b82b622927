package dev.cairn.cli.waldump;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.pgformat.rmgr.RecordDescriber;
import dev.cairn.pgformat.rmgr.RecordTypeNames;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

import java.io.IOException;

/** One JSON object per record (JSON Lines), for scripts. */
public final class WaldumpJsonFormat {
    private WaldumpJsonFormat() {
    }

    public static void write(JsonGenerator g, DecodedRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("lsn", r.lsn().toString());
        g.writeStringField("end_lsn", r.endLsn().toString());
        g.writeStringField("prev", r.header().prev().toString());
        g.writeStringField("rmgr", RmgrId.nameOf(r.rmid()));
        g.writeNumberField("rmid", r.rmid());
        g.writeNumberField("info", r.header().info());
        g.writeStringField("type", RecordTypeNames.display(r));
        g.writeNumberField("xid", r.header().xidUnsigned());
        g.writeNumberField("total_len", r.totalLength());
        g.writeNumberField("rec_len", r.totalLength() - r.imageBytes());
        g.writeNumberField("fpi_len", r.imageBytes());
        if (r.toplevelXid() != 0) {
            g.writeNumberField("toplevel_xid", Integer.toUnsignedLong(r.toplevelXid()));
        }
        if (r.origin() >= 0) {
            g.writeNumberField("origin", r.origin());
        }
        g.writeStringField("desc", RecordDescriber.describe(r));
        g.writeArrayFieldStart("blocks");
        for (BlockReference b : r.blocks()) {
            g.writeStartObject();
            g.writeNumberField("id", b.blockId());
            g.writeObjectFieldStart("rel");
            g.writeNumberField("spc", b.rel().spcOid());
            g.writeNumberField("db", b.rel().dbOid());
            g.writeNumberField("rel", b.rel().relNumber());
            g.writeEndObject();
            g.writeStringField("fork", WaldumpTextFormat.forkName(b));
            g.writeNumberField("blk", b.blockNumber());
            g.writeBooleanField("has_image", b.hasImage());
            g.writeBooleanField("apply_image", b.applyImage());
            g.writeBooleanField("will_init", b.willInit());
            g.writeNumberField("data_len", b.dataLength());
            if (b.hasImage()) {
                g.writeNumberField("image_len", b.imageStoredLength());
                g.writeNumberField("hole_offset", b.holeOffset());
                g.writeNumberField("hole_length", b.holeLength());
                g.writeStringField("compression", b.imageCompression().pgName);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeRaw('\n');
    }
}
