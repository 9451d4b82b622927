package dev.cairn.chaos.checker;

import dev.cairn.chaos.history.History;

/** Reads a history and reports what it shows that must not happen. */
public interface Checker {
    CheckResult check(History history);
}
