package dev.cairn.chaos.checker;

import java.util.List;

/** A checker's verdict: valid when no anomaly was found. */
public record CheckResult(String checker, int operationsChecked, List<Anomaly> anomalies) {
    public CheckResult {
        anomalies = List.copyOf(anomalies);
    }

    public boolean valid() {
        return anomalies.isEmpty();
    }
}
