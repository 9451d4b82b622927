package dev.cairn.chaos.checker;

import dev.cairn.chaos.history.Operation;

/**
 * A sequential specification: the state after an operation, or null when the operation's observed result
 * is impossible in that state. States must implement equals/hashCode (they are memoized).
 */
public interface Model<S> {
    S initial();

    S step(S state, Operation op);
}
