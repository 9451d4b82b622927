package dev.cairn.chaos.checker;

import java.util.List;

/** Something a history shows that the system promised never happens, with the operations showing it. */
public record Anomaly(String type, String description, List<Integer> operations) {
    public Anomaly {
        operations = List.copyOf(operations);
    }
}
