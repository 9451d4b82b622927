package dev.cairn.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.chaos.history.Operation;

import java.util.Objects;

/**
 * A single register: {@code write} (invoke value {"value": v}), {@code read} (OK value {"value": v}, null
 * when unset), {@code cas} (invoke value {"expect": e, "value": v}; OK only if it swapped).
 */
public final class RegisterModel implements Model<RegisterModel.State> {
    /** The register's content; null when never written. */
    public record State(Long value) {
    }

    @Override
    public State initial() {
        return new State(null);
    }

    @Override
    public State step(State state, Operation op) {
        JsonNode in = op.invoke().value();
        return switch (op.function()) {
            case "write" -> new State(in.get("value").asLong());
            case "cas" -> Objects.equals(state.value(), in.get("expect").asLong()) ? new State(in.get("value").asLong()) : null;
            case "read" -> {
                JsonNode seen = op.complete().value().get("value");
                Long v = seen == null || seen.isNull() ? null : seen.asLong();
                yield Objects.equals(state.value(), v) ? state : null;
            }
            default -> throw new IllegalArgumentException("register model has no operation " + op.function());
        };
    }
}
