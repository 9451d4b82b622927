package dev.cairn.pageserver;

import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.RelFileLocator;

/** One fork of one relation's storage: what PostgreSQL keeps as one series of segment files. */
public record RelFork(RelFileLocator rel, ForkNumber fork) {
    public RelFork {
        if (rel == null || fork == null) {
            throw new IllegalArgumentException("relation and fork are required");
        }
    }

    public static RelFork of(RelFileLocator rel, ForkNumber fork) {
        return new RelFork(rel, fork);
    }

    public RelFork withFork(ForkNumber other) {
        return new RelFork(rel, other);
    }

    @Override
    public String toString() {
        return rel + "_" + fork.pgName;
    }
}
