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
                dev.cairn.cli.local.LocalCommand.class,
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

    /**
     * The JVM options of every {@code java -jar cairn.jar} that a Cairn process starts (a cluster's supervisor and
     * services, a chaos run's processes). Native access (JNA, Netty's epoll, RocksDB, zstd, lz4) is granted by the
     * jar's manifest ({@code Enable-Native-Access}); JDK 24+ also warns at the first {@code sun.misc.Unsafe} memory
     * access (Netty, grpc's shaded Netty) unless it is allowed, an option JDK 21 and 22 do not know. A child runs
     * on this JVM's JDK. {@code ./cairn} gives the same ({@code cairn_jvm_options} in tools/jdk.sh).
     */
    public static final java.util.List<String> JVM_OPTIONS = Runtime.version().feature() >= 23
            ? java.util.List.of("--sun-misc-unsafe-memory-access=allow") : java.util.List.of();

    /** Builds the command line with Cairn's conventions (exit codes, error output). */
    public static CommandLine commandLine() {
        return new CommandLine(new CairnCommand())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * The jar this process runs from: what starts other Cairn processes (a cluster, a chaos run) starts
     * them from the same code.
     *
     * @throws IllegalStateException when running from classes rather than the jar (e.g. an IDE)
     */
    public static java.nio.file.Path runningJar(String command) {
        java.nio.file.Path self;
        try {
            self = java.nio.file.Path.of(CairnCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the cairn jar", e);
        }
        if (!java.nio.file.Files.isRegularFile(self)) {
            throw new IllegalStateException("cairn " + command + " must run from the cairn jar (./cairn), not from " + self);
        }
        return self;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
