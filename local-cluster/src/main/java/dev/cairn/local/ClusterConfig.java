package dev.cairn.local;

import dev.cairn.common.AtomicFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What a local cluster was created with; written once by the first {@code cairn local start} and reused by
 * every later start, so ports, ids and the password stay the same across restarts.
 *
 * @param host       the loopback address every component listens on
 * @param basePort   the proxy's port; the other components take the next ports in a fixed order: +1..+3
 *                   safekeepers, +4 pageserver, +5 compute manager, +6..+8 safekeepers' metrics, +9 proxy's
 *                   metrics, +21..+26 chaos relays
 * @param tenant     the default tenant id (32 hex)
 * @param timeline   the default timeline id (32 hex)
 * @param endpoint   the default endpoint's name
 * @param role       the role clients log in as
 * @param password   that role's password (the file is 0600; only the SCRAM verifier leaves it)
 * @param pgBin      PostgreSQL's bin directory, or null to locate it
 * @param idleSuspendSeconds how long an endpoint stays up with no connections
 * @param verifyRedo the pageserver's verify mode, with computes that log every block's image (tests)
 */
public record ClusterConfig(String host, int basePort, String tenant, String timeline, String endpoint, String role,
                            String password, String pgBin, long idleSuspendSeconds, boolean chaosRelays, long retentionMb,
                            boolean verifyRedo) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static ClusterConfig read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ClusterConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cluster config " + file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) {
        writePrivate(file, this);
    }

    /** Writes JSON crash-safe ({@link AtomicFile}), mode 0600. */
    static void writePrivate(Path file, Object value) {
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public int proxyPort() {
        return basePort;
    }

    public int safekeeperPort(int id) {
        return basePort + id;
    }

    public int pageserverPort() {
        return basePort + 4;
    }

    public int computeManagerPort() {
        return basePort + 5;
    }

    /** Where safekeeper {@code id} serves GET /metrics (the pageserver and compute manager serve it on their API port). */
    public int safekeeperMetricsPort(int id) {
        return basePort + 5 + id;
    }

    /** Where the proxy serves GET /metrics. */
    public int proxyMetricsPort() {
        return basePort + 9;
    }

    /**
     * Where the compute manager's proposers reach safekeeper {@code id}: the safekeeper itself, or with
     * {@link #chaosRelays()} a fault-injecting relay the chaos harness runs in front of it.
     */
    public int proposerSafekeeperPort(int id) {
        return chaosRelays ? basePort + 20 + id : safekeeperPort(id);
    }

    /** Where the pageserver reaches safekeeper {@code id} (a relay of its own under chaos, see above). */
    public int ingestSafekeeperPort(int id) {
        return chaosRelays ? basePort + 23 + id : safekeeperPort(id);
    }

    /** The highest port the cluster listens on (the last chaos relay, or the proxy's metrics). */
    public int lastPort() {
        return chaosRelays ? ingestSafekeeperPort(3) : proxyMetricsPort();
    }

    /** The connection string printed for psql. TLS is required by the proxy; the certificate is self-signed. */
    public String connectionUrl() {
        return "postgresql://" + role + ":" + password + "@" + host + ":" + proxyPort() + "/postgres?sslmode=require"
                + "&options=endpoint%3D" + endpoint;
    }
}
