package dev.cairn.local;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --dir} option every {@code cairn local} subcommand shares. */
final class ClusterDirOption {
    @Option(names = "--dir", defaultValue = "${env:CAIRN_LOCAL_DIR:-.cairn}",
            description = "Cluster directory (default: $CAIRN_LOCAL_DIR or .cairn in the current directory).")
    Path dir;

    ClusterDir clusterDir() {
        return new ClusterDir(dir);
    }
}
