package dev.cairn.cli.waldump;

import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Per-rmgr counts and sizes, as pg_waldump --stats reports them. */
public final class WalStatistics {

    /** Totals for one rmgr. */
    public record Row(long count, long recordBytes, long imageBytes) {
        Row plus(DecodedRecord r) {
            return new Row(count + 1, recordBytes + r.totalLength() - r.imageBytes(), imageBytes + r.imageBytes());
        }

        public long combinedBytes() {
            return recordBytes + imageBytes;
        }
    }

    private static final Row ZERO = new Row(0, 0, 0);

    private final Map<Integer, Row> byRmgr = new TreeMap<>();
    private Row total = ZERO;

    public void add(DecodedRecord r) {
        byRmgr.put(r.rmid(), byRmgr.getOrDefault(r.rmid(), ZERO).plus(r));
        total = total.plus(r);
    }

    public Row total() {
        return total;
    }

    /** Rows keyed by rmgr name, in rmgr id order. */
    public Map<String, Row> rows() {
        Map<String, Row> out = new LinkedHashMap<>();
        byRmgr.forEach((id, row) -> out.put(RmgrId.nameOf(id), row));
        return out;
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-27s %20s %-9s%20s %-9s%20s %-9s%20s %-6s%n";
        sb.append(String.format(fmt, "Type", "N", "(%)", "Record size", "(%)", "FPI size", "(%)", "Combined size", "(%)"));
        sb.append(String.format(fmt, "----", "-", "---", "-----------", "---", "--------", "---", "-------------", "---"));
        rows().forEach((name, row) -> sb.append(line(name, row)));
        sb.append(String.format("%-27s %20s %-9s%20s %-9s%20s %-9s%20s %-6s%n", "", "--------", "", "--------", "",
                "--------", "", "--------", ""));
        sb.append(line("Total", total));
        return sb.toString();
    }

    private String line(String name, Row r) {
        return String.format("%-27s %20d (%6.02f) %20d (%6.02f) %20d (%6.02f) %20d (%6.02f)%n", name,
                r.count, pct(r.count, total.count), r.recordBytes, pct(r.recordBytes, total.recordBytes),
                r.imageBytes, pct(r.imageBytes, total.imageBytes), r.combinedBytes(), pct(r.combinedBytes(), total.combinedBytes()));
    }

    private static double pct(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
