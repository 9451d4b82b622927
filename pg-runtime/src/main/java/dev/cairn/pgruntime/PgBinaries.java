package dev.cairn.pgruntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the stock PostgreSQL binaries live. Looked up, in order, from an
 * explicit directory ({@code --pg-bin}), {@code CAIRN_PG_BIN}, {@code pg_config --bindir},
 * and the newest {@code /usr/lib/postgresql/N/bin}.
 */
public record PgBinaries(Path binDir) {

    public PgBinaries {
        if (!Files.isExecutable(binDir.resolve("postgres"))) {
            throw new PgRuntimeException("no postgres executable in " + binDir
                    + " (set --pg-bin or CAIRN_PG_BIN to PostgreSQL's bin directory)");
        }
    }

    /** Finds the binaries using the documented search order. */
    public static PgBinaries locate(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            return new PgBinaries(explicit.get());
        }
        String env = System.getenv("CAIRN_PG_BIN");
        if (env != null && !env.isBlank()) {
            return new PgBinaries(Path.of(env));
        }
        Optional<Path> fromPgConfig = pgConfigBindir();
        if (fromPgConfig.isPresent() && Files.isExecutable(fromPgConfig.get().resolve("postgres"))) {
            return new PgBinaries(fromPgConfig.get());
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(b -> versionNumber(b.getParent().getFileName().toString())))
                    .map(PgBinaries::new)
                    .orElseThrow(() -> new PgRuntimeException("no PostgreSQL installation found"));
        } catch (IOException e) {
            throw new PgRuntimeException("no PostgreSQL installation found (pg_config absent, /usr/lib/postgresql unreadable)", e);
        }
    }

    public static PgBinaries locate() {
        return locate(Optional.empty());
    }

    public Path tool(String name) {
        Path p = binDir.resolve(name);
        if (!Files.isExecutable(p)) {
            throw new PgRuntimeException("PostgreSQL tool " + name + " not found in " + binDir);
        }
        return p;
    }

    /** The major version of these binaries, e.g. 15. */
    public int majorVersion() {
        ProcessResult r = ProcessRunner.run(List.of(tool("postgres").toString(), "--version"), null, 30);
        r.requireSuccess("postgres --version");
        // "postgres (PostgreSQL) 15.18 (Debian ...)"
        String[] words = r.stdout().trim().split("\\s+");
        for (String w : words) {
            if (!w.isEmpty() && Character.isDigit(w.charAt(0))) {
                return versionNumber(w);
            }
        }
        throw new PgRuntimeException("cannot parse postgres version from: " + r.stdout());
    }

    private static int versionNumber(String s) {
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }

    private static Optional<Path> pgConfigBindir() {
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Path.of(out));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
