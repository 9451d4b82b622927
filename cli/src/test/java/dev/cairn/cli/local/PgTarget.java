package dev.cairn.cli.local;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.pgruntime.ServerUser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A PostgreSQL server as libpq's client tools reach it (psql, pg_dump, pg_amcheck, pg_regress): through
 * PG* environment variables, so that every tool, and every psql that pg_regress starts, connects alike.
 * The tools run as the server's OS user: pg_regress's output directory is written by both pg_regress and
 * the server (COPY ... TO files), which must then be the same user.
 */
record PgTarget(String name, PgBinaries bin, ServerUser user, Map<String, String> env) {

    PgTarget {
        env = Map.copyOf(env);
    }

    /**
     * A stock server on 127.0.0.1 with TLS (trust authentication): clients word a lost connection
     * differently over TLS, and the isolation suite's expected output shows one.
     */
    static PgTarget stock(PgBinaries bin, int port) {
        return new PgTarget("stock", bin, ServerUser.current(),
                Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(port), "PGUSER", "postgres", "PGSSLMODE", "require"));
    }

    /**
     * A Cairn endpoint through the proxy: TLS, SCRAM, and the endpoint in the startup options (the proxy
     * takes {@code endpoint=NAME} out of them, see EndpointSelector).
     */
    static PgTarget cairn(PgBinaries bin, int proxyPort, String password, String endpoint) {
        return new PgTarget("cairn", bin, ServerUser.current(), Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(proxyPort),
                "PGUSER", "postgres", "PGPASSWORD", password, "PGSSLMODE", "require", "PGOPTIONS", "endpoint=" + endpoint));
    }

    /** The same proxy and credentials, another endpoint. */
    PgTarget endpoint(String endpoint) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("PGOPTIONS", "endpoint=" + endpoint);
        return new PgTarget(name + "/" + endpoint, bin, user, e);
    }

    /** Runs a client program with this target's environment, as the server's OS user. */
    ProcessResult run(List<String> command, Path workDir, long timeoutSeconds) {
        List<String> withEnv = new ArrayList<>(List.of("env"));
        new TreeMap<>(env).forEach((k, v) -> withEnv.add(k + "=" + v));
        withEnv.addAll(command);
        return ProcessRunner.run(user.wrap(withEnv), workDir, timeoutSeconds);
    }

    String psql(String database, String sql) {
        ProcessResult r = run(List.of(bin.tool("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-d", database, "-c", sql), Path.of("/"), 600);
        if (r.exitCode() != 0) {
            throw new AssertionError(name + ": psql -d " + database + " -c \"" + sql + "\" failed: " + r.stderr());
        }
        return r.stdout().strip();
    }

    /** Every database that takes connections (all but template0). */
    List<String> databases() {
        return psql("postgres", "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname").lines().toList();
    }

    /**
     * pg_dump of every database. Without unlogged tables' rows: a compute starts like PostgreSQL after a
     * crash, which empties unlogged tables, so their rows do not survive a suspend, a kill or a branch.
     */
    DatabaseDumps dumpAll() {
        Map<String, String> dumps = new TreeMap<>();
        for (String db : databases()) {
            ProcessResult r = run(List.of(bin.tool("pg_dump").toString(), "--no-unlogged-table-data", "-d", db),
                    Path.of("/"), 600);
            if (r.exitCode() != 0) {
                throw new AssertionError(name + ": pg_dump " + db + " failed: " + r.stderr());
            }
            dumps.put(db, r.stdout());
        }
        return DatabaseDumps.of(dumps);
    }

    /**
     * pg_amcheck of every table and B-tree index of every database, each heap checked against its indexes
     * (--heapallindexed); installs the amcheck extension where it is missing.
     */
    ProcessResult amcheck() {
        return run(List.of(bin.tool("pg_amcheck").toString(), "--all", "--heapallindexed", "--install-missing",
                "--maintenance-db", "postgres"), Path.of("/"), 1800);
    }
}
