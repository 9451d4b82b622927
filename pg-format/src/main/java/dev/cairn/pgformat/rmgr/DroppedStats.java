package dev.cairn.pgformat.rmgr;

import java.util.ArrayList;
import java.util.List;

/** One xl_xact_stats_item (PostgreSQL 15: kind, dboid, objoid; 12 bytes): statistics dropped with the transaction. */
public record DroppedStats(int kind, long dbOid, long objOid) {
    public static final int SIZE = 12;

    static List<DroppedStats> readAll(PayloadReader r, long n) {
        int count = r.count(n, SIZE, "dropped stats");
        List<DroppedStats> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new DroppedStats(r.i32("kind"), r.u32("dboid"), r.u32("objoid")));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return kind + "/" + dbOid + "/" + objOid;
    }
}
