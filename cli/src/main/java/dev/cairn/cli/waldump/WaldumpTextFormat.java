package dev.cairn.cli.waldump;

import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.rmgr.RecordDescriber;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.ImageCompression;
import dev.cairn.pgformat.wal.RmgrId;

/** Formats a record the way pg_waldump prints it, so its users read our output naturally. */
public final class WaldumpTextFormat {
    private WaldumpTextFormat() {
    }

    /**
     * @param blockDetails one line per block reference with image details (pg_waldump --bkp-details)
     */
    public static String format(DecodedRecord r, boolean blockDetails) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(String.format("rmgr: %-11s len (rec/tot): %6d/%8d, tx: %10d, lsn: %s, prev %s, desc: %s",
                RmgrId.nameOf(r.rmid()), r.totalLength() - r.imageBytes(), r.totalLength(),
                r.header().xidUnsigned(), r.lsn(), r.header().prev(), RecordDescriber.describe(r)));
        for (BlockReference b : r.blocks()) {
            if (blockDetails) {
                sb.append("\n\tblkref #").append(b.blockId()).append(": rel ").append(b.rel())
                        .append(" fork ").append(forkName(b)).append(" blk ").append(Long.toUnsignedString(b.blockNumber()));
                if (b.hasImage()) {
                    sb.append(b.applyImage() ? " (FPW)" : " (FPW for WAL verification)")
                            .append("; hole: offset: ").append(b.holeOffset()).append(", length: ").append(b.holeLength());
                    if (b.imageCompression() != ImageCompression.NONE) {
                        int saved = 8192 - b.holeLength() - b.imageStoredLength();
                        sb.append(", compression saved: ").append(saved).append(", method: ").append(b.imageCompression().pgName);
                    }
                }
            } else {
                sb.append(", blkref #").append(b.blockId()).append(": rel ").append(b.rel());
                if (b.forkNumber() != ForkNumber.MAIN.number) {
                    sb.append(" fork ").append(forkName(b));
                }
                sb.append(" blk ").append(Long.toUnsignedString(b.blockNumber()));
                if (b.hasImage()) {
                    sb.append(b.applyImage() ? " FPW" : " FPW for WAL verification");
                }
            }
        }
        return sb.toString();
    }

    static String forkName(BlockReference b) {
        ForkNumber f = b.fork();
        return f != null ? f.pgName : "fork#" + b.forkNumber();
    }
}
