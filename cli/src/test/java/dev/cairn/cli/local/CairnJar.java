package dev.cairn.cli.local;

import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs the packaged {@code cairn.jar} as a user would (integration tests run after {@code package}). */
final class CairnJar {
    static final Path JAR = Path.of("target", "cairn.jar").toAbsolutePath();

    private CairnJar() {
    }

    static ProcessResult run(long timeoutSeconds, String... args) {
        return run(timeoutSeconds, Map.of(), args);
    }

    /** With extra environment variables, e.g. the one that {@code --password-env} names. */
    static ProcessResult run(long timeoutSeconds, Map<String, String> env, String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after `mvn package`");
        }
        List<String> command = new ArrayList<>(List.of("env"));
        new TreeMap<>(env).forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ProcessRunner.run(command, Path.of("").toAbsolutePath(), timeoutSeconds);
    }
}
