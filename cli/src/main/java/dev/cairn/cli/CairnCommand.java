package dev.cairn.cli;

import dev.cairn.cli.waldump.WaldumpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root of the {@code cairn} command. Each service and admin tool is a
 * subcommand registered here.
 */
@Command(
        name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = CairnVersion.class,
        description = "Cairn: a serverless PostgreSQL storage tier with customer-managed keys.",
        subcommands = {
                WaldumpCommand.class,
                dev.cairn.cli.keys.KeysCommand.class,
                dev.cairn.cli.safekeeper.SafekeeperCommand.class,
                dev.cairn.cli.safekeeper.WalExportCommand.class,
                dev.cairn.cli.pageserver.PageserverCommand.class,
                dev.cairn.cli.compute.ComputeCommand.class,
                dev.cairn.cli.proxy.ProxyCommand.class,
                dev.cairn.local.LocalCommand.class,
                dev.cairn.cli.admin.TenantCommand.class,
                dev.cairn.cli.admin.TimelineCommand.class,
                dev.cairn.cli.admin.EndpointCommand.class,
                dev.cairn.cli.chaos.ChaosCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class CairnCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with Cairn's conventions (exit codes, error output). */
    public static CommandLine commandLine() {
        return new CommandLine(new CairnCommand())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
