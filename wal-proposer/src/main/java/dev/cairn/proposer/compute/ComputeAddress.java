package dev.cairn.proposer.compute;

import java.util.Properties;

/**
 * Where a stock PostgreSQL compute listens, and the name its WAL stream uses: {@code applicationName} must be
 * listed in the compute's {@code synchronous_standby_names}, or COMMIT will not wait for the quorum.
 */
public record ComputeAddress(String host, int port, String user, String database, String applicationName,
                             String password) {
    public ComputeAddress {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port);
        }
    }

    /** A compute that trusts the streamer's host (no password). */
    public ComputeAddress(String host, int port, String user, String database, String applicationName) {
        this(host, port, user, database, applicationName, null);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    Properties sqlProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("ApplicationName", applicationName + "_admin");
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    /** A physical replication connection: walsender protocol, simple queries only. */
    Properties replicationProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("replication", "true");
        p.setProperty("assumeMinServerVersion", "10");
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("ApplicationName", applicationName);
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database + " as " + applicationName;
    }
}
