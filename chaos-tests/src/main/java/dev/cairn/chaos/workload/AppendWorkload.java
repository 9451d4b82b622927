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

/**
 * Clients append unique ids to keyed lists, stored as one array per key so the row lock orders appends
 * by commit; reads return a whole list. Ids are unique per process and counter, so a duplicate, a phantom
 * or a missing acknowledged id is visible to the {@link AppendChecker}.
 */
public final class AppendWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int keys;

    public AppendWorkload(int keys) {
        this.keys = keys;
    }

    @Override
    public String name() {
        return "append";
    }

    @Override
    public void setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lists (key int PRIMARY KEY, ids bigint[] NOT NULL DEFAULT '{}')");
            s.execute("INSERT INTO lists (key) SELECT g FROM generate_series(0, " + (keys - 1) + ") g ON CONFLICT (key) DO NOTHING");
        }
    }

    @Override
    public Invocation next(Random random, int process, long counter) {
        String key = Integer.toString(random.nextInt(keys));
        if (random.nextInt(3) == 0) {
            return new Invocation("read", JSON.createObjectNode().put("key", key));
        }
        return new Invocation("append", JSON.createObjectNode().put("key", key).put("id", process * 10_000_000L + counter));
    }

    @Override
    public JsonNode execute(Connection c, Invocation op) throws SQLException {
        int key = op.value().get("key").asInt();
        if (op.function().equals("append")) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE lists SET ids = ids || ?::bigint WHERE key = ?")) {
                ps.setLong(1, op.value().get("id").asLong());
                ps.setInt(2, key);
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
        for (int k = 0; k < keys; k++) {
            reads.add(new Invocation("read", JSON.createObjectNode().put("key", Integer.toString(k))));
        }
        return reads;
    }

    @Override
    public Checker checker() {
        return new AppendChecker();
    }
}
