package dev.cairn.local;

import java.nio.file.Path;

/** Where a local cluster keeps its files: one directory (default {@code .cairn/}) holding everything it runs. */
public record ClusterDir(Path root) {
    public ClusterDir {
        root = root.toAbsolutePath().normalize();
    }

    /** The cluster's settings, ports and the default endpoint's credentials (0600). */
    public Path config() {
        return root.resolve("cluster.json");
    }

    /** Written by the supervisor on every change: what runs, with which pid, since when. */
    public Path state() {
        return root.resolve("state.json");
    }

    public Path supervisorPid() {
        return root.resolve("supervisor.pid");
    }

    public Path supervisorLock() {
        return root.resolve("supervisor.lock");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path log(String component) {
        return logs().resolve(component + ".log");
    }

    /** A copy of the jar the cluster was started with, so rebuilding the sources never breaks a restart. */
    public Path jar() {
        return root.resolve("bin").resolve("cairn.jar");
    }

    /** The local KMS provider's keyring: the customer master keys of a local cluster (NOT FOR PRODUCTION). */
    public Path localKms() {
        return root.resolve("kms").resolve("local-kms.json");
    }

    public Path data(String component) {
        return root.resolve(component);
    }
}
