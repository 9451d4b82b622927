package dev.cairn.chaos.history;

/** Jepsen's operation kinds: an invocation and how it completed. */
public enum OpType {
    INVOKE,
    /** Completed and took effect. */
    OK,
    /** Definitely did not take effect. */
    FAIL,
    /** Outcome unknown (timeout, connection lost mid-commit): it may or may not have taken effect. */
    INFO
}
