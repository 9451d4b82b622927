package dev.cairn.pageserver.ingest;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgformat.wal.synth.RecordPosition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Ingests the WAL in a directory (such as a stopped compute's pg_wal) from the ingested position to its end. */
public final class WalDirectoryIngest {
    /** Records per write batch. */
    private static final int BATCH = 256;
    private WalDirectoryIngest() {
    }

    /** @return the end of the last ingested record */
    public static Lsn ingest(Ingest ingest, Path walDirectory) {
        List<Path> segments = WalReader.listSegments(walDirectory);
        Lsn end = ingest.position().end();
        try (WalReader reader = WalReader.open(segments, null, null)) {
            // the reader learns the segment size from the files; start where the next record can be
            Lsn start = RecordPosition.firstAtOrAfter(end, reader.segmentSize());
            try (WalReader from = WalReader.open(segments, start, null)) {
                List<DecodedRecord> batch = new ArrayList<>(BATCH);
                DecodedRecord rec;
                while ((rec = from.nextUntilEndOfWal()) != null) {
                    batch.add(rec);
                    if (batch.size() == BATCH) {
                        ingest.apply(batch);
                        batch.clear();
                    }
                }
                ingest.apply(batch);
            }
        }
        return ingest.position().end();
    }
}
