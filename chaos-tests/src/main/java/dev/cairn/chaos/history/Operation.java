package dev.cairn.chaos.history;

/**
 * An invocation with its completion. An INFO completion (or none) means it may have taken effect at any
 * time after its invocation, or never.
 */
public record Operation(int index, Op invoke, Op complete) {
    public OpType outcome() {
        return complete.type();
    }

    public boolean ok() {
        return complete.type() == OpType.OK;
    }

    public String function() {
        return invoke.function();
    }

    /** When it could have taken effect at the latest: its completion, or never bounded for INFO. */
    public long end() {
        return complete.type() == OpType.INFO ? Long.MAX_VALUE : complete.nanos();
    }

    public long start() {
        return invoke.nanos();
    }
}
