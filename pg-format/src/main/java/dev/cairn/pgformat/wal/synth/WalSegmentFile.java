package dev.cairn.pgformat.wal.synth;

import dev.cairn.pgformat.wal.WalSegmentName;

/** A whole WAL segment file: its name in pg_wal and its bytes. */
public record WalSegmentFile(WalSegmentName name, byte[] bytes) {
    public String fileName() {
        return name.fileName();
    }
}
