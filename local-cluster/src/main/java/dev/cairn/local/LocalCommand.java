package dev.cairn.local;

import picocli.CommandLine.Command;

/** {@code cairn local}: the whole cluster on this machine, with embedded defaults. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run a whole Cairn cluster on this machine: 3 safekeepers, a pageserver, the compute",
                "manager and the proxy as supervised background processes under one directory (.cairn/)."},
        subcommands = {LocalStartCommand.class, LocalStopCommand.class, LocalStatusCommand.class,
                LocalSuperviseCommand.class})
public final class LocalCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
