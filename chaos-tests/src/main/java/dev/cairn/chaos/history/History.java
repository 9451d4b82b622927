package dev.cairn.chaos.history;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An append-only, thread-safe record of operations, stored as JSON lines (one {@link Op} per line). */
public final class History {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<Op> ops = new ArrayList<>();

    public synchronized void add(Op op) {
        ops.add(op);
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** Invocations paired with their completions; an invocation that never completed counts as INFO. */
    public List<Operation> operations() {
        List<Op> all = ops();
        Map<Integer, Integer> open = new HashMap<>();
        List<Op[]> pairs = new ArrayList<>();
        for (Op op : all) {
            if (op.type() == OpType.INVOKE) {
                if (open.containsKey(op.process())) {
                    throw new IllegalStateException("process " + op.process() + " invoked " + op.function()
                            + " while its previous operation was still open");
                }
                open.put(op.process(), pairs.size());
                pairs.add(new Op[]{op, null});
            } else {
                Integer i = open.remove(op.process());
                if (i == null) {
                    throw new IllegalStateException("completion without invocation: " + op);
                }
                pairs.get(i)[1] = op;
            }
        }
        List<Operation> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Op inv = pairs.get(i)[0];
            Op done = pairs.get(i)[1];
            out.add(new Operation(i, inv, done == null ? new Op(inv.process(), OpType.INFO, inv.function(), null,
                    Long.MAX_VALUE) : done));
        }
        return out;
    }

    public synchronized void write(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (Op op : ops) {
                w.write(JSON.writeValueAsString(op));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    public static History read(Path file) {
        History h = new History();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    h.add(JSON.readValue(line, Op.class));
                } catch (IOException e) {
                    throw new IllegalArgumentException("history " + file + " line " + n + " is not an operation: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        return h;
    }
}
