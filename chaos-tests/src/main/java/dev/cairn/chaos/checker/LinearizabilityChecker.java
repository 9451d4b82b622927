package dev.cairn.chaos.checker;

import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.history.Operation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Wing-Gong linearizability search with Lowe's memoization of (linearized set, model state): looks for an
 * order of the operations that respects real time (an operation that completed before another began comes
 * first) and in which every observed result is what the model allows. Failed operations took no effect and
 * are left out; operations with unknown outcome (INFO) may take effect anywhere after their invocation, or
 * never; an INFO read observed nothing and is left out. Keys are independent and checked one by one.
 */
public final class LinearizabilityChecker<S> implements Checker {
    private final Model<S> model;
    private final Function<Operation, String> keyOf;

    public LinearizabilityChecker(Model<S> model, Function<Operation, String> keyOf) {
        this.model = model;
        this.keyOf = keyOf;
    }

    /** The register workload: one register per {@code key} field of the invocation. */
    public static LinearizabilityChecker<RegisterModel.State> registers() {
        return new LinearizabilityChecker<>(new RegisterModel(), op -> op.invoke().value().get("key").asText());
    }

    @Override
    public CheckResult check(History history) {
        List<Operation> all = history.operations();
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : all) {
            if (op.outcome() == OpType.FAIL || (op.outcome() == OpType.INFO && op.function().equals("read"))) {
                continue;
            }
            byKey.computeIfAbsent(keyOf.apply(op), k -> new ArrayList<>()).add(op);
        }
        List<Anomaly> anomalies = new ArrayList<>();
        byKey.forEach((key, ops) -> {
            Anomaly a = checkKey(key, ops);
            if (a != null) {
                anomalies.add(a);
            }
        });
        return new CheckResult("linearizable", all.size(), anomalies);
    }

    private record Frame<S>(BitSet done, S state, int next) {
    }

    private Anomaly checkKey(String key, List<Operation> ops) {
        ops = new ArrayList<>(ops);
        ops.sort((a, b) -> Long.compare(a.start(), b.start()));
        int n = ops.size();
        BitSet required = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (ops.get(i).ok()) {
                required.set(i);
            }
        }
        Set<Object> seen = new HashSet<>();
        Deque<Frame<S>> stack = new ArrayDeque<>();
        stack.push(new Frame<>(new BitSet(n), model.initial(), 0));
        BitSet deepest = new BitSet(n);
        while (!stack.isEmpty()) {
            Frame<S> f = stack.pop();
            BitSet missing = (BitSet) required.clone();
            missing.andNot(f.done());
            if (missing.isEmpty()) {
                return null; // every acknowledged operation is linearized
            }
            if (f.done().cardinality() > deepest.cardinality()) {
                deepest = f.done();
            }
            // the earliest completion among what is not linearized bounds what may go next
            long bound = Long.MAX_VALUE;
            for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
                bound = Math.min(bound, ops.get(i).end());
            }
            for (int i = f.next(); i < n; i++) {
                Operation op = ops.get(i);
                if (op.start() > bound) {
                    break; // sorted by start: nothing later may go first
                }
                if (f.done().get(i)) {
                    continue;
                }
                S after = model.step(f.state(), op);
                if (after == null) {
                    continue;
                }
                BitSet done = (BitSet) f.done().clone();
                done.set(i);
                if (seen.add(List.of(done, after))) {
                    stack.push(new Frame<>(f.done(), f.state(), i + 1)); // come back for the other candidates
                    stack.push(new Frame<>(done, after, 0));
                    break;
                }
            }
        }
        return explain(key, ops, required, deepest);
    }

    /** The acknowledged operation no order could place after the longest linearizable prefix, and its peers. */
    private static Anomaly explain(String key, List<Operation> ops, BitSet required, BitSet deepest) {
        BitSet missing = (BitSet) required.clone();
        missing.andNot(deepest);
        Operation stuck = null;
        for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
            if (stuck == null || ops.get(i).end() < stuck.end()) {
                stuck = ops.get(i);
            }
        }
        List<Integer> involved = new ArrayList<>();
        for (Operation op : ops) {
            if (op == stuck || (op.start() <= stuck.end() && op.end() >= stuck.start())) {
                involved.add(op.index());
            }
        }
        return new Anomaly("not-linearizable", "key " + key + ": no order of the operations explains " + stuck.function()
                + " " + stuck.invoke().value() + " -> " + stuck.complete().value() + " (after " + deepest.cardinality()
                + " operations linearized)", involved);
    }
}
