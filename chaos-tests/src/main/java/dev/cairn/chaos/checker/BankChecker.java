package dev.cairn.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.Operation;

import java.util.ArrayList;
import java.util.List;

/**
 * Bank workload: transfers move money between accounts, so every successful read of all balances must
 * add up to the same total, and (transfers never overdraw) no balance is negative.
 * Reads are {@code function = "read"} whose OK value is {@code {"balances": {account: amount, ...}}}.
 */
public final class BankChecker implements Checker {
    private final long expectedTotal;

    public BankChecker(long expectedTotal) {
        this.expectedTotal = expectedTotal;
    }

    @Override
    public CheckResult check(History history) {
        List<Anomaly> anomalies = new ArrayList<>();
        List<Operation> ops = history.operations();
        for (Operation op : ops) {
            if (!op.ok() || !op.function().equals("read")) {
                continue;
            }
            JsonNode balances = op.complete().value().get("balances");
            long total = 0;
            for (var it = balances.fields(); it.hasNext(); ) {
                var e = it.next();
                long b = e.getValue().asLong();
                total += b;
                if (b < 0) {
                    anomalies.add(new Anomaly("negative-balance", "account " + e.getKey() + " read as " + b,
                            List.of(op.index())));
                }
            }
            if (total != expectedTotal) {
                anomalies.add(new Anomaly("wrong-total", "a read saw a total of " + total + ", expected "
                        + expectedTotal + ": " + balances, List.of(op.index())));
            }
        }
        return new CheckResult("bank", ops.size(), anomalies);
    }
}
