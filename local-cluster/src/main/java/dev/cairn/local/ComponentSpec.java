package dev.cairn.local;

import java.util.List;

/**
 * One process of a local cluster: the {@code cairn} subcommand and arguments that run it, the port that
 * answers once it is ready, and the JVM heap it gets.
 */
public record ComponentSpec(String name, List<String> cairnArgs, int port, String maxHeap) {
    public ComponentSpec {
        cairnArgs = List.copyOf(cairnArgs);
    }
}
