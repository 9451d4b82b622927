package dev.cairn.cli.keys;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every {@code cairn keys} subcommand takes. */
final class KeysOptions {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:CAIRN_DATA}",
            description = "Service data directory (default: $CAIRN_DATA). Keys live in DIR/keys.")
    Path data;

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;
}
