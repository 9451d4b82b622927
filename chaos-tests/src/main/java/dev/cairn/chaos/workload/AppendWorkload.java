package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.chaos.checker.AppendChecker;
import dev.cairn.chaos.checker.Checker;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients append unique ids to keyed lists, stored as one array per key so the row lock orders appends
 * by commit; reads return a whole list. Ids are unique per process and counter, so a duplicate, a phantom
 * or a missing acknowledged id is visible to the {@link AppendChecker}. As in Jepsen's list-append, keys
 * are retired: {@code keys} are in use at a time, and after about {@code opsPerKey} operations on each the
 * workload moves to fresh ones, so lists, reads and the history stay small however long the run.
 */
public final class AppendWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int keys;
    private final int opsPerKey;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong lastGeneration = new AtomicLong();

    public AppendWorkload(int keys) {
        this(keys, 200);
    }

    public AppendWorkload(int keys, int opsPerKey) {
        if (keys <= 0 || opsPerKey <= 0) {
            throw new IllegalArgumentException("keys and ops per key must be positive");
        }
        this.keys = keys;
        this.opsPerKey = opsPerKey;
    }

    @Override
    public String name() {
        return "append";
    }

    @Override
    public void setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lists (key int PRIMARY KEY, ids bigint[] NOT NULL DEFAULT '{}')");
        }
    }

    @Override
    public Invocation next(Random random, int process, long counter) {
        long generation = issued.getAndIncrement() / ((long) keys * opsPerKey);
        lastGeneration.accumulateAndGet(generation, Math::max);
        String key = Long.toString(generation * keys + random.nextInt(keys));
        if (random.nextInt(3) == 0) {
            return new Invocation("read", JSON.createObjectNode().put("key", key));
        }
        return new Invocation("append", JSON.createObjectNode().put("key", key).put("id", process * 10_000_000L + counter));
    }

    @Override
    public JsonNode execute(Connection c, Invocation op) throws SQLException {
        int key = op.value().get("key").asInt();
        if (op.function().equals("append")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lists (key, ids) VALUES (?, ARRAY[?::bigint])"
                    + " ON CONFLICT (key) DO UPDATE SET ids = lists.ids || EXCLUDED.ids")) {
                ps.setInt(1, key);
                ps.setLong(2, op.value().get("id").asLong());
                ps.executeUpdate();
            }
            return op.value();
        }
        ArrayNode list = JSON.createArrayNode();
        try (PreparedStatement ps = c.prepareStatement("SELECT ids FROM lists WHERE key = ?")) {
            ps.setInt(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Array a = rs.getArray(1);
                    for (Long id : (Long[]) a.getArray()) {
                        list.add(id);
                    }
                }
            }
        }
        ObjectNode v = JSON.createObjectNode().put("key", op.value().get("key").asText());
        v.set("list", list);
        return v;
    }

    @Override
    public List<Invocation> finalReads() {
        List<Invocation> reads = new ArrayList<>();
        long used = (lastGeneration.get() + 1) * keys;
        for (long k = 0; k < used; k++) {
            reads.add(new Invocation("read", JSON.createObjectNode().put("key", Long.toString(k))));
        }
        return reads;
    }

    @Override
    public Checker checker() {
        return new AppendChecker();
    }
}
