package dev.cairn.cli.local;

import dev.cairn.local.RunningJar;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the packaged {@code cairn.jar} as a user would (integration tests run after {@code package}). */
final class CairnJar {
    static final Path JAR = Path.of("target", "cairn.jar").toAbsolutePath();

    private CairnJar() {
    }

    static ProcessResult run(long timeoutSeconds, String... args) {
        return run(Map.of(), timeoutSeconds, args);
    }

    /** As above, with {@code env} added to the environment (e.g. the variable a --password-env names). */
    static ProcessResult run(Map<String, String> env, long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        if (!env.isEmpty()) {
            command.add("env"); // execs java with the variables added
            env.forEach((k, v) -> command.add(k + "=" + v));
        }
        command.addAll(command(args));
        return ProcessRunner.run(command, Path.of("").toAbsolutePath(), timeoutSeconds);
    }

    /** {@code java <the JVM options ./cairn gives> -jar cairn.jar args...}. */
    static List<String> command(String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after `mvn package`");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(RunningJar.JVM_OPTIONS);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** The postgresql:// URL {@code cairn local start} printed for psql. */
    static String connectionUrl(ProcessResult started) {
        return started.stdout().lines().filter(l -> l.contains("postgresql://")).findFirst()
                .orElseThrow(() -> new AssertionError("local start printed no postgresql:// URL:\n" + started.stdout()))
                .replaceAll(".*'(postgresql://[^']+)'.*", "$1");
    }

    /** {@code cairn local stop} of the cluster in {@code dir}, which must succeed. */
    static void stopLocal(Path dir) {
        ProcessResult r = run(180, "local", "stop", "--dir", dir.toString());
        if (r.exitCode() != 0) {
            throw new AssertionError("cairn local stop failed (" + r.exitCode() + "):\n" + r.stderr());
        }
    }
}
