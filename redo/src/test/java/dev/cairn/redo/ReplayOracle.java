package dev.cairn.redo;

import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.RecordDecoder;
import dev.cairn.pgformat.rmgr.SmgrRecord;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Replays WAL that stock PostgreSQL wrote with {@code wal_consistency_checking = all} and checks every block
 * Cairn redoes against the image PostgreSQL logged with it, masked as PostgreSQL masks (its own
 * verifyBackupPageConsistency, in Java). A block's first version comes from a full-page write, a page the
 * record initialises, or — when WAL starts mid-history — the first checking image itself.
 */
public final class ReplayOracle {
    private record Key(RelFileLocator rel, int fork, long block) {
    }

    private final Map<Key, byte[]> pages = new HashMap<>();
    private final Map<String, Integer> verified = new TreeMap<>();
    private final List<ConsistencyCheck.Mismatch> mismatches = new ArrayList<>();
    private final List<RedoException> failures = new ArrayList<>();
    private int records;

    /** Replays every record of the WAL segment files in {@code walDir}. */
    public ReplayOracle replayDirectory(Path walDir) {
        try (WalReader reader = WalReader.openDirectory(walDir)) {
            for (DecodedRecord rec = reader.nextUntilEndOfWal(); rec != null; rec = reader.nextUntilEndOfWal()) {
                replay(rec);
            }
        }
        return this;
    }

    public void replay(DecodedRecord rec) {
        records++;
        for (BlockReference b : rec.blocks()) {
            Key key = new Key(b.rel(), b.forkNumber(), b.blockNumber());
            if (b.applyImage()) {
                pages.put(key, BlockRedo.restoredImage(rec, b));
                continue;
            }
            RmgrRedo redo = BlockRedo.forRmgr(rec.rmgr());
            if (redo == null) { // not Java-redone yet: keep PostgreSQL's page, if it logged one
                keepImage(rec, b, key);
                continue;
            }
            byte[] before = pages.get(key);
            if (before == null && !b.willInit() && !redo.zeroIfMissing(rec, b)) {
                keepImage(rec, b, key); // no history for this block in this WAL
                continue;
            }
            byte[] after;
            try {
                after = BlockRedo.apply(rec, b, before);
            } catch (RedoException e) {
                failures.add(e);
                keepImage(rec, b, key);
                continue;
            }
            if (ConsistencyCheck.checkable(rec, b)) {
                Optional<ConsistencyCheck.Mismatch> m = ConsistencyCheck.compare(rec, b, after);
                if (m.isPresent()) {
                    mismatches.add(m.get());
                    keepImage(rec, b, key); // one wrong page, not a cascade
                    continue;
                }
                verified.merge(BlockRedo.recordType(rec), 1, Integer::sum);
            }
            pages.put(key, after);
        }
        if (rec.rmgr() == RmgrId.SMGR && RecordDecoder.decode(rec) instanceof SmgrRecord.Truncate t) {
            pages.keySet().removeIf(k -> k.rel().equals(t.rel()) && k.block() >= t.blocks());
        }
    }

    private void keepImage(DecodedRecord rec, BlockReference b, Key key) {
        if (b.hasImage()) {
            pages.put(key, BlockRedo.restoredImage(rec, b));
        } else {
            pages.remove(key);
        }
    }

    /** Verified blocks per record type ("Heap/INSERT", ...). */
    public Map<String, Integer> verified() {
        return verified;
    }

    public int verifiedTotal() {
        return verified.values().stream().mapToInt(Integer::intValue).sum();
    }

    public List<ConsistencyCheck.Mismatch> mismatches() {
        return mismatches;
    }

    public List<RedoException> failures() {
        return failures;
    }

    public int records() {
        return records;
    }

    public String summary() {
        return records + " records, " + verifiedTotal() + " blocks verified " + verified + ", " + mismatches.size()
                + " mismatches, " + failures.size() + " redo failures";
    }
}
