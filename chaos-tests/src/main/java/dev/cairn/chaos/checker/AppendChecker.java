package dev.cairn.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.history.Operation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * List-append workload: clients append unique ids to keyed lists ({@code append}, value {@code {"key","id"}})
 * and read whole lists ({@code read}, OK value {@code {"key","list":[...]}}). The last successful read of
 * each key is its final state. Checked: every acknowledged append is in the final state exactly once (no
 * lost, no duplicated write), nothing appears that was never appended (phantom) or definitely failed, and
 * lists only grow by appending: a read that finished before another began is a prefix of it.
 */
public final class AppendChecker implements Checker {

    @Override
    public CheckResult check(History history) {
        List<Operation> ops = history.operations();
        List<Anomaly> anomalies = new ArrayList<>();
        Map<String, Map<Long, Operation>> appends = new HashMap<>();
        Map<String, List<Operation>> reads = new HashMap<>();
        for (Operation op : ops) {
            if (op.function().equals("append")) {
                JsonNode v = op.invoke().value();
                appends.computeIfAbsent(v.get("key").asText(), k -> new HashMap<>()).put(v.get("id").asLong(), op);
            } else if (op.function().equals("read") && op.ok()) {
                reads.computeIfAbsent(op.complete().value().get("key").asText(), k -> new ArrayList<>()).add(op);
            }
        }
        for (var entry : reads.entrySet()) {
            String key = entry.getKey();
            List<Operation> keyReads = entry.getValue();
            Map<Long, Operation> keyAppends = appends.getOrDefault(key, Map.of());
            for (Operation read : keyReads) {
                List<Long> list = list(read);
                Set<Long> seen = new HashSet<>();
                for (long id : list) {
                    if (!seen.add(id)) {
                        anomalies.add(new Anomaly("duplicate", "id " + id + " appears twice in key " + key, List.of(read.index())));
                    }
                    Operation append = keyAppends.get(id);
                    if (append == null) {
                        anomalies.add(new Anomaly("phantom", "id " + id + " in key " + key + " was never appended",
                                List.of(read.index())));
                    } else if (append.outcome() == OpType.FAIL) {
                        anomalies.add(new Anomaly("failed-write-visible", "id " + id + " in key " + key
                                + " was appended by an operation that failed", List.of(append.index(), read.index())));
                    }
                }
            }
            List<List<Long>> lists = keyReads.stream().map(AppendChecker::list).toList(); // parsed once per read
            for (int i = 0; i < keyReads.size(); i++) {
                Operation earlier = keyReads.get(i);
                for (int j = 0; j < keyReads.size(); j++) {
                    Operation later = keyReads.get(j);
                    if (earlier.end() < later.start() && !isPrefix(lists.get(i), lists.get(j))) {
                        anomalies.add(new Anomaly("not-a-prefix", "key " + key + " read as " + lists.get(i)
                                + " and later as " + lists.get(j), List.of(earlier.index(), later.index())));
                    }
                }
            }
            Operation last = keyReads.stream().max((a, b) -> Long.compare(a.complete().nanos(), b.complete().nanos())).orElseThrow();
            Set<Long> finalIds = new HashSet<>(list(last));
            for (Operation append : keyAppends.values()) {
                long id = append.invoke().value().get("id").asLong();
                if (append.ok() && append.end() < last.start() && !finalIds.contains(id)) {
                    anomalies.add(new Anomaly("lost-write", "acknowledged append of " + id + " to key " + key
                            + " is missing from the final read", List.of(append.index(), last.index())));
                }
            }
        }
        return new CheckResult("append", ops.size(), anomalies);
    }

    private static List<Long> list(Operation read) {
        List<Long> out = new ArrayList<>();
        read.complete().value().get("list").forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static boolean isPrefix(List<Long> a, List<Long> b) {
        return a.size() <= b.size() && b.subList(0, a.size()).equals(a);
    }
}
