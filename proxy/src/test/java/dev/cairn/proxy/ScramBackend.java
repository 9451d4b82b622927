package dev.cairn.proxy;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.compute.api.BackendAddress;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real stock PostgreSQL standing in for a compute: role {@code app} (database {@code appdb}) logs in
 * with SCRAM over TCP using the same verifier the proxy holds, so the proxy can log in with the client's key.
 */
final class ScramBackend implements AutoCloseable {
    private final ScratchDirectory scratch;
    private final PgCluster cluster;
    private final ScramVerifier verifier;

    private ScramBackend(ScratchDirectory scratch, PgCluster cluster, ScramVerifier verifier) {
        this.scratch = scratch;
        this.cluster = cluster;
        this.verifier = verifier;
    }

    static ScramBackend start(String prefix, String password) throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create(prefix);
        PgCluster cluster = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of());
        cluster.start(Map.of());
        ScramVerifier verifier = ScramVerifier.fromPassword(password, ScramVerifier.DEFAULT_ITERATIONS);
        cluster.psql("create role app login password '" + verifier.encode() + "'");
        cluster.psql("create database appdb owner app");
        Files.writeString(cluster.dataDir().resolve("pg_hba.conf"), """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """);
        cluster.psql("select pg_reload_conf()");
        return new ScramBackend(scratch, cluster, verifier);
    }

    PgCluster cluster() {
        return cluster;
    }

    ScramVerifier verifier() {
        return verifier;
    }

    BackendAddress address() {
        return new BackendAddress("127.0.0.1", cluster.port());
    }

    /** pgjdbc as role app to database appdb through {@code proxy}, routed to {@code endpoint}. */
    static Connection connectVia(ProxyServer proxy, String endpoint, String password, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", password);
        p.setProperty("sslmode", sslmode);
        p.setProperty("options", "-c endpoint=" + endpoint);
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60"); // a relay that stalls fails the test instead of hanging it
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.address().getPort() + "/appdb", p);
    }

    @Override
    public void close() {
        cluster.close();
        scratch.close();
    }
}
