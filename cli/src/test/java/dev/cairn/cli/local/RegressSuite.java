package dev.cairn.cli.local;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's own regression and isolation suites as tools/pg-regress/fetch.sh leaves them: the source tree
 * of the installed version and the C libraries the regression tests load, in {@code $CAIRN_PG_SOURCE}
 * (default /var/cache/cairn/postgresql-15); pg_regress and pg_isolation_regress come with pgxs.
 */
record RegressSuite(Path regressDir, Path isolationDir, Path libDir, Path pgRegress, Path pgIsolationRegress,
                    PgBinaries bin) {
    static final String FETCH = "tools/pg-regress/fetch.sh";

    /** One run of a schedule: what pg_regress reported, and how long it took. */
    record Run(RegressionSummary summary, Duration wall) {
        Run plus(Run other) {
            return new Run(summary.plus(other.summary), wall.plus(other.wall));
        }
    }

    static RegressSuite locate(PgBinaries bin) {
        String configured = System.getenv("CAIRN_PG_SOURCE");
        Path root = Path.of(configured != null && !configured.isBlank() ? configured : "/var/cache/cairn/postgresql-" + bin.majorVersion());
        Path regress = root.resolve("src/src/test/regress");
        Path lib = root.resolve("lib");
        if (!Files.isRegularFile(regress.resolve("parallel_schedule")) || !Files.isRegularFile(lib.resolve("regress.so"))) {
            throw new AssertionError("PostgreSQL's regression suite is not in " + root + " (CAIRN_PG_SOURCE): run " + FETCH
                    + " as root (.ci/run does) to fetch and build it");
        }
        Path pgxsTests = pgxs(bin).resolve("src/test");
        return new RegressSuite(regress, root.resolve("src/src/test/isolation"), lib,
                pgxsTests.resolve("regress/pg_regress"), pgxsTests.resolve("isolation/pg_isolation_regress"), bin);
    }

    /** pgxs's root (…/lib/pgxs), from pg_config --pgxs (…/lib/pgxs/src/makefiles/pgxs.mk). */
    private static Path pgxs(PgBinaries bin) {
        ProcessResult r = ProcessRunner.run(List.of(bin.tool("pg_config").toString(), "--pgxs"), null, 30).requireSuccess("pg_config --pgxs");
        return Path.of(r.stdout().strip()).getParent().getParent().getParent();
    }

    Path parallelSchedule() {
        return regressDir.resolve("parallel_schedule");
    }

    Path isolationSchedule() {
        return isolationDir.resolve("isolation_schedule");
    }

    /**
     * pg_regress with {@code schedule} against {@code target}, which drops and creates the database
     * "regression" unless {@code useExisting} (then the database of an earlier half goes on).
     */
    Run regress(PgTarget target, Path schedule, Path outputDir, boolean useExisting, int maxConnections) {
        List<String> args = new ArrayList<>(List.of("--dlpath=" + libDir, "--inputdir=" + regressDir));
        if (useExisting) {
            args.add("--use-existing");
        }
        return run(pgRegress, target, schedule, outputDir, args, maxConnections);
    }

    /** pg_isolation_regress with isolation_schedule against {@code target} (database isolation_regression). */
    Run isolation(PgTarget target, Path outputDir, int maxConnections) {
        return run(pgIsolationRegress, target, isolationSchedule(), outputDir, List.of("--inputdir=" + isolationDir), maxConnections);
    }

    private Run run(Path program, PgTarget target, Path schedule, Path outputDir, List<String> args, int maxConnections) {
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target.user().own(outputDir);
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "--bindir=" + bin.binDir(), "--outputdir=" + outputDir,
                "--schedule=" + schedule));
        cmd.addAll(args);
        if (maxConnections > 0) {
            cmd.add("--max-connections=" + maxConnections);
        }
        long started = System.nanoTime();
        ProcessResult r = target.run(cmd, outputDir, 3600);
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        // the summary on stdout (regression.out is a copy, deleted when every test passed); exit code 1 is failed tests
        try {
            return new Run(RegressionSummary.parse(r.stdout()), wall);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(target.name() + ": " + program.getFileName() + " exited with " + r.exitCode()
                    + " without a summary:\n" + r.stdout() + "\n" + r.stderr(), e);
        }
    }
}
