package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.chaos.checker.BankChecker;
import dev.cairn.chaos.checker.Checker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

/**
 * Transfers between accounts that never overdraw, and reads of every balance in one snapshot: the total
 * must never change. Transactions run at REPEATABLE READ, so concurrent transfers either serialise or fail.
 */
public final class BankWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int accounts;
    private final long initialBalance;

    public BankWorkload(int accounts, long initialBalance) {
        this.accounts = accounts;
        this.initialBalance = initialBalance;
    }

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public void setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bank (id int PRIMARY KEY, balance bigint NOT NULL)");
            s.execute("INSERT INTO bank SELECT g, " + initialBalance + " FROM generate_series(0, " + (accounts - 1)
                    + ") g ON CONFLICT (id) DO NOTHING");
        }
    }

    @Override
    public Invocation next(Random random, int process, long counter) {
        if (random.nextInt(4) == 0) {
            return new Invocation("read", JSON.nullNode());
        }
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        ObjectNode v = JSON.createObjectNode().put("from", from).put("to", to).put("amount", 1 + random.nextInt(5));
        return new Invocation("transfer", v);
    }

    @Override
    public JsonNode execute(Connection c, Invocation op) throws SQLException, Refused {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        if (op.function().equals("read")) {
            ObjectNode balances = JSON.createObjectNode();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, balance FROM bank ORDER BY id")) {
                while (rs.next()) {
                    balances.put(Integer.toString(rs.getInt(1)), rs.getLong(2));
                }
            }
            return JSON.createObjectNode().set("balances", balances);
        }
        JsonNode v = op.value();
        long amount = v.get("amount").asLong();
        try (PreparedStatement debit = c.prepareStatement("UPDATE bank SET balance = balance - ? WHERE id = ? AND balance >= ?");
             PreparedStatement credit = c.prepareStatement("UPDATE bank SET balance = balance + ? WHERE id = ?")) {
            debit.setLong(1, amount);
            debit.setInt(2, v.get("from").asInt());
            debit.setLong(3, amount);
            if (debit.executeUpdate() != 1) {
                throw new Refused("insufficient funds");
            }
            credit.setLong(1, amount);
            credit.setInt(2, v.get("to").asInt());
            credit.executeUpdate();
        }
        return v;
    }

    @Override
    public List<Invocation> finalReads() {
        return List.of(new Invocation("read", JSON.nullNode()));
    }

    @Override
    public Checker checker() {
        return new BankChecker(accounts * initialBalance);
    }
}
