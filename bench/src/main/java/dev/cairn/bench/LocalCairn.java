package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code cairn local} cluster as a user runs it (the README's {@code ./cairn} from the repository root):
 * processes, the KMS hierarchy, the proxy with TLS. Benchmarks connect through {@link #url()}.
 */
final class LocalCairn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final String url;

    private LocalCairn(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    static LocalCairn start(Path dir, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("local", "start", "--dir", dir.toString(), "--port",
                Integer.toString(port), "--idle-suspend", "3600"));
        args.addAll(List.of(extra));
        ProcessResult started = cairn(300, args.toArray(String[]::new)).requireSuccess("cairn local start");
        String url = started.stdout().lines().filter(l -> l.contains("postgresql://")).findFirst().orElseThrow()
                .replaceAll(".*'(postgresql://[^']+)'.*", "$1");
        return new LocalCairn(dir, url);
    }

    /** The postgresql:// URL through the proxy (TLS required), as {@code local start} prints it. */
    String url() {
        return url;
    }

    Path dir() {
        return dir;
    }

    JsonNode status() throws Exception {
        return JSON.readTree(cairn(60, "local", "status", "--dir", dir.toString(), "--json")
                .requireSuccess("cairn local status").stdout());
    }

    static JsonNode component(JsonNode status, String name) {
        for (JsonNode c : status.get("components")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("no component " + name + " in cairn local status");
    }

    /** A component's process, if it runs. */
    Optional<ProcessHandle> process(JsonNode status, String name) {
        JsonNode c = component(status, name);
        return c.hasNonNull("pid") ? ProcessHandle.of(c.get("pid").asLong()) : Optional.empty();
    }

    /** The pageserver's timeline list (ingest lag per timeline). */
    URI pageserverTimelines(JsonNode status) {
        return URI.create("http://127.0.0.1:" + component(status, "pageserver").get("port").asInt() + "/v1/timelines");
    }

    /** The default endpoint's status from the compute manager ({@code cairn endpoint list --json}). */
    JsonNode endpoints() throws Exception {
        return JSON.readTree(cairn(60, "endpoint", "list", "--json", "--dir", dir.toString())
                .requireSuccess("cairn endpoint list").stdout());
    }

    void stopEndpoint(String name) {
        cairn(120, "endpoint", "stop", name, "--dir", dir.toString()).requireSuccess("cairn endpoint stop");
    }

    @Override
    public void close() {
        cairn(180, "local", "stop", "--dir", dir.toString());
    }

    static ProcessResult cairn(long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of("cairn").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return ProcessRunner.run(command, Path.of("").toAbsolutePath(), timeoutSeconds);
    }

    /** One statement through psql, its unaligned output. */
    static String psql(PgBinaries bin, String conninfo, String sql) {
        return ProcessRunner.run(List.of(bin.tool("psql").toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
                "-d", conninfo), null, 1800).requireSuccess("psql " + sql).stdout().strip();
    }
}
