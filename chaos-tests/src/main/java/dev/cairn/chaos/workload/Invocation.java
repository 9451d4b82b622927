package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;

/** An operation a client is about to perform: the function and its argument, as the history records it. */
public record Invocation(String function, JsonNode value) {
}
