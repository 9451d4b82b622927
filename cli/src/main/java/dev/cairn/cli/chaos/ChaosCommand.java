package dev.cairn.cli.chaos;

import picocli.CommandLine.Command;

/** {@code cairn chaos ...}: the Jepsen-style suite against a cluster of real processes. */
@Command(name = "chaos", mixinStandardHelpOptions = true, subcommands = ChaosRunCommand.class,
        description = "Try hard to make Cairn lose data: faults against a cluster of processes, histories checked.")
public final class ChaosCommand {
}
