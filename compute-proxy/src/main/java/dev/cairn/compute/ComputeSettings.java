package dev.cairn.compute;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The postgresql settings and pg_hba.conf of a Cairn compute (DESIGN.md section 2): the proposer is the
 * synchronous standby, so COMMIT waits for the quorum; the local disk is disposable (fsync off); every
 * record that touches a block carries its image (wal_consistency_checking) so the pageserver needs no redo.
 */
final class ComputeSettings {
    static final String PROPOSER_APP = "cairn_proposer";
    static final String AGENT_ROLE = "cairn_agent";

    private ComputeSettings() {
    }

    static Map<String, String> server(ComputeSpec spec) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", spec.loopbackOnly() ? "127.0.0.1" : "*");
        s.put("synchronous_standby_names", PROPOSER_APP);
        s.put("synchronous_commit", "on");
        s.put("fsync", "off");
        s.put("full_page_writes", "on");
        s.put("wal_consistency_checking", "all");
        s.put("wal_compression", "lz4");
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "4");
        s.put("max_replication_slots", "4");
        s.put("wal_keep_size", "1GB");
        s.put("max_prepared_transactions", "16");
        s.put("password_encryption", "scram-sha-256");
        s.put("unix_socket_permissions", "0700");
        return s;
    }

    /**
     * Unix socket: trusted (reachable only by the server's OS user and root). TCP: SCRAM for everyone,
     * including the agent's own role, whose password is new at every boot.
     */
    static String hba() {
        return """
                # written by the Cairn compute agent
                local all all trust
                host replication %1$s all scram-sha-256
                host all all all scram-sha-256
                """.formatted(AGENT_ROLE);
    }
}
