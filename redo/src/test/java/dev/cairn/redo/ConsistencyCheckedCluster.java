package dev.cairn.redo;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A stock PostgreSQL 15 that logs, with every record, the image of each block it changes
 * ({@code wal_consistency_checking = all}), and full-page writes as usual: the oracle for Java redo.
 * Autovacuum is off so that the workload alone decides which records exist.
 */
public final class ConsistencyCheckedCluster implements AutoCloseable {
    private final ScratchDirectory scratch;
    private final PgCluster pg;
    private final Lsn start;

    private ConsistencyCheckedCluster(ScratchDirectory scratch, PgCluster pg, Lsn start) {
        this.scratch = scratch;
        this.pg = pg;
        this.start = start;
    }

    public static ConsistencyCheckedCluster start(boolean dataChecksums, Map<String, String> extra) {
        ScratchDirectory scratch = ScratchDirectory.create("cairn-redo-");
        PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"),
                dataChecksums ? List.of("--data-checksums") : List.of());
        Map<String, String> settings = new HashMap<>(Map.of(
                "wal_consistency_checking", "all",
                "autovacuum", "off",
                "fsync", "off",
                "max_wal_size", "1GB",
                "wal_keep_size", "1GB"));
        settings.putAll(extra);
        try {
            pg.start(settings);
            Lsn start = Lsn.parse(pg.psql("SELECT pg_current_wal_insert_lsn()").strip());
            return new ConsistencyCheckedCluster(scratch, pg, start);
        } catch (RuntimeException e) {
            pg.close();
            scratch.close();
            throw e;
        }
    }

    public PgCluster pg() {
        return pg;
    }

    public String sql(String sql) {
        return pg.psql(sql);
    }

    /** Replays the WAL written since start into a new oracle. */
    public ReplayOracle replay() {
        return replay(new ReplayOracle());
    }

    /** Replays the WAL written since start into {@code oracle}. */
    public ReplayOracle replay(ReplayOracle oracle) {
        forEachRecord(oracle::replay);
        return oracle;
    }

    /** Every record written since start (the WAL is switched first, so the last one is complete on disk). */
    public List<DecodedRecord> records() {
        List<DecodedRecord> all = new ArrayList<>();
        forEachRecord(all::add);
        return all;
    }

    private void forEachRecord(Consumer<DecodedRecord> consumer) {
        pg.psql("SELECT pg_switch_wal()");
        try (WalReader reader = WalReader.open(WalReader.listSegments(pg.walDir()), start, null)) {
            for (var rec = reader.nextUntilEndOfWal(); rec != null; rec = reader.nextUntilEndOfWal()) {
                consumer.accept(rec);
            }
        }
    }

    @Override
    public void close() {
        try {
            pg.stop("immediate");
        } finally {
            pg.close();
            scratch.close();
        }
    }
}
