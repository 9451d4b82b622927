package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.chaos.checker.Checker;
import dev.cairn.chaos.checker.LinearizabilityChecker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-key registers: read, write of a unique value, compare-and-set. The history of each key must be
 * linearizable ({@link LinearizabilityChecker}); a CAS whose expected value did not match is a FAIL. Keys
 * retire after about {@code opsPerKey} operations each (as in Jepsen's independent registers): the checker's
 * search grows with the square of a key's history, and a 30-minute soak put 115,000 operations on each key.
 */
public final class RegisterWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int keys;
    private final int opsPerKey;
    private final AtomicLong issued = new AtomicLong();
    /** The last value any client read per key: a CAS expecting it has a fair chance, an arbitrary one has none. */
    private final Map<String, Long> recent = new ConcurrentHashMap<>();

    public RegisterWorkload(int keys) {
        this(keys, 500);
    }

    public RegisterWorkload(int keys, int opsPerKey) {
        if (keys <= 0 || opsPerKey <= 0) {
            throw new IllegalArgumentException("keys and ops per key must be positive");
        }
        this.keys = keys;
        this.opsPerKey = opsPerKey;
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public void setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS registers (key int PRIMARY KEY, value bigint)");
        }
    }

    @Override
    public Invocation next(Random random, int process, long counter) {
        long generation = issued.getAndIncrement() / ((long) keys * opsPerKey);
        String key = Long.toString(generation * keys + random.nextInt(keys));
        long unique = process * 10_000_000L + counter;
        return switch (random.nextInt(3)) {
            case 0 -> new Invocation("read", JSON.createObjectNode().put("key", key));
            case 1 -> new Invocation("write", JSON.createObjectNode().put("key", key).put("value", unique));
            default -> new Invocation("cas", JSON.createObjectNode().put("key", key)
                    .put("expect", random.nextInt(4) == 0 ? -1 : recent.getOrDefault(key, -1L)).put("value", unique));
        };
    }


    @Override
    public JsonNode execute(Connection c, Invocation op) throws SQLException, Refused {
        JsonNode in = op.value();
        int key = in.get("key").asInt();
        switch (op.function()) {
            case "read" -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT value FROM registers WHERE key = ?")) {
                    ps.setInt(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        ObjectNode v = JSON.createObjectNode().put("key", in.get("key").asText());
                        if (rs.next()) {
                            v.put("value", rs.getLong(1));
                            recent.put(in.get("key").asText(), rs.getLong(1));
                        } else {
                            v.putNull("value");
                        }
                        return v;
                    }
                }
            }
            case "write" -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO registers VALUES (?, ?) "
                        + "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")) {
                    ps.setInt(1, key);
                    ps.setLong(2, in.get("value").asLong());
                    ps.executeUpdate();
                }
                return in;
            }
            case "cas" -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE registers SET value = ? WHERE key = ? AND value = ?")) {
                    ps.setLong(1, in.get("value").asLong());
                    ps.setInt(2, key);
                    ps.setLong(3, in.get("expect").asLong());
                    if (ps.executeUpdate() != 1) {
                        throw new Refused("register " + key + " did not hold " + in.get("expect").asLong());
                    }
                }
                return in;
            }
            default -> throw new IllegalArgumentException("register workload has no operation " + op.function());
        }
    }

    @Override
    public List<Invocation> finalReads() {
        return List.of();
    }

    @Override
    public Checker checker() {
        return LinearizabilityChecker.registers();
    }
}
