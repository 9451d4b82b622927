package dev.cairn.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One event of a history: a client invoked {@code function} with {@code value}, or it completed.
 *
 * @param process the client that issued it (each client has at most one operation in flight)
 * @param value   workload-specific JSON: the argument on INVOKE, the result on OK (e.g. what a read saw)
 * @param nanos   monotonic time of the event
 */
public record Op(int process, OpType type, String function, JsonNode value, long nanos) {
    public Op {
        value = value == null ? NullNode.getInstance() : value; // as it reads back from JSON
    }
}
