package dev.cairn.cli.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM prints no "WARNING:" lines when the jar starts as ./cairn and Cairn start it: on JDK 24+ the first
 * sun.misc.Unsafe memory access (Netty in the proxy, grpc's shaded Netty in the safekeeper and pageserver) and the
 * first native library load (Netty's epoll, JNA, RocksDB) would each print one unless the JVM options
 * ({@code RunningJar.JVM_OPTIONS}) and the manifest's Enable-Native-Access allow them. The services are started
 * until they listen, then killed: a few seconds.
 */
class JvmWarningsIT {
    @TempDir
    Path dir;

    @Test
    void servicesStartWithoutJvmWarnings() throws Exception {
        Map<String, List<String>> services = Map.of(
                "safekeeper", List.of("safekeeper", "--id", "1", "--listen", "127.0.0.1:0", "--data", dir.resolve("sk").toString()),
                "pageserver", List.of("pageserver", "--listen", "127.0.0.1:0", "--data", dir.resolve("ps").toString(),
                        "--safekeepers", "127.0.0.1:1"),
                "proxy", List.of("proxy", "--listen", "127.0.0.1:0", "--compute-manager", "http://127.0.0.1:1"));
        List<Process> started = new ArrayList<>();
        try {
            for (var e : services.entrySet()) {
                started.add(new ProcessBuilder(CairnJar.command(e.getValue().toArray(String[]::new)))
                        .redirectErrorStream(true).redirectOutput(log(e.getKey()).toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start());
            }
            for (String name : services.keySet()) {
                awaitListening(name);
                assertThat(Files.readAllLines(log(name), StandardCharsets.UTF_8))
                        .as("%s's output", name).noneMatch(line -> line.startsWith("WARNING:"));
            }
        } finally {
            for (Process p : started) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    private void awaitListening(String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log(name)) && Files.readString(log(name), StandardCharsets.UTF_8).contains(" listening on ")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " did not listen within 90 s:\n" + Files.readString(log(name)));
    }
}
