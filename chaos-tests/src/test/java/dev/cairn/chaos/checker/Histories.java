package dev.cairn.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.Op;
import dev.cairn.chaos.history.OpType;

/** Builds histories for checker tests: explicit timestamps, JSON values from strings. */
final class Histories {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final History history = new History();

    Histories invoke(int process, String function, String value, long t) {
        history.add(new Op(process, OpType.INVOKE, function, json(value), t));
        return this;
    }

    Histories complete(int process, OpType type, String function, String value, long t) {
        history.add(new Op(process, type, function, value == null ? null : json(value), t));
        return this;
    }

    /** An operation that ran from t0 to t1 and completed with {@code type}. */
    Histories op(int process, String function, String in, OpType type, String out, long t0, long t1) {
        return invoke(process, function, in, t0).complete(process, type, function, out, t1);
    }

    History build() {
        return history;
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
