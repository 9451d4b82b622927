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
import java.util.function.BiFunction;

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
    private final Map<String, Integer> seen = new TreeMap<>();
    private final Map<String, Integer> verifiedVariants = new TreeMap<>();
    private final BiFunction<DecodedRecord, BlockReference, String> variant;
    private final List<ConsistencyCheck.Mismatch> mismatches = new ArrayList<>();
    private final List<RedoException> failures = new ArrayList<>();
    private int records;

    public ReplayOracle() {
        this(null);
    }

    /**
     * @param variant names what part of its record type's redo a block exercises ("block 3", "posting split"),
     *                or null for none: verified blocks are also counted per record type and variant
     */
    public ReplayOracle(BiFunction<DecodedRecord, BlockReference, String> variant) {
        this.variant = variant;
    }

    /** An oracle that also counts each verified block of {@code rmgr}'s records by block id ("block 2"). */
    public static ReplayOracle byBlockId(RmgrId rmgr) {
        return new ReplayOracle((rec, block) -> rec.rmgr() == rmgr ? "block " + block.blockId() : null);
    }

    /** Prints the summary, the records replayed per type and the verified blocks per variant. */
    public ReplayOracle print() {
        System.out.println(summary());
        System.out.println("records per type " + seen());
        System.out.println("verified blocks per variant " + verifiedVariants());
        return this;
    }

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
        seen.merge(BlockRedo.recordType(rec), 1, Integer::sum);
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
                String v = variant == null ? null : variant.apply(rec, b);
                if (v != null) {
                    verifiedVariants.merge(BlockRedo.recordType(rec) + " " + v, 1, Integer::sum);
                }
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

    /** Verified blocks per record type and variant ("Btree/SPLIT_L posting split"), when a variant was given. */
    public Map<String, Integer> verifiedVariants() {
        return verifiedVariants;
    }

    /**
     * Records replayed per record type, whether or not they change a block: a type that registers none
     * (Btree/REUSE_PAGE) is counted here and never in {@link #verified()}.
     */
    public Map<String, Integer> seen() {
        return seen;
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

    /** Fails unless every redone block matched and no record was refused. */
    public void requireClean() {
        if (!failures.isEmpty() || !mismatches.isEmpty()) {
            throw new AssertionError(summary() + "\nfirst failures: " + failures.stream().limit(5).toList()
                    + "\nfirst mismatches: " + mismatches.stream().limit(5).toList());
        }
    }

    public String summary() {
        return records + " records, " + verifiedTotal() + " blocks verified " + verified + ", " + mismatches.size()
                + " mismatches, " + failures.size() + " redo failures";
    }
}
