package dev.cairn.cli.compute;

import picocli.CommandLine.Command;

/** {@code cairn compute}: the compute manager service, and the proposer's sync step on its own. */
@Command(name = "compute", mixinStandardHelpOptions = true,
        description = "Run the compute manager, or sync a timeline's safekeepers.",
        subcommands = {ComputeManagerCommand.class, ComputeSyncCommand.class})
public final class ComputeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
