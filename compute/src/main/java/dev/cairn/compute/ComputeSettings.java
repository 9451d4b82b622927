package dev.cairn.compute;

import dev.cairn.redo.BlockRedo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The postgresql settings and pg_hba.conf of a Cairn compute (DESIGN.md section 2): the proposer is the
 * synchronous standby, so COMMIT waits for the quorum; the local disk is disposable (fsync off, and
 * full_page_writes off: a compute never recovers from its own disk, and the pageserver redoes every record on
 * the page version before it, so a torn page is never read). The pageserver has Java redo for every built-in
 * resource manager that changes blocks, so records carry no images beyond what full_page_writes would add;
 * wal_consistency_checking is on only in verify mode, where every record carries the images redo is checked
 * against.
 */
final class ComputeSettings {
    static final String PROPOSER_APP = "cairn_proposer";
    static final String AGENT_ROLE = "cairn_agent";
    /** wal_consistency_checking: all resource managers in verify mode, otherwise those without Java redo (none). */
    static String consistencyChecking(boolean verifyRedo) {
        return verifyRedo ? "all" : BlockRedo.consistencyCheckingSetting();
    }

    private ComputeSettings() {
    }

    static Map<String, String> server(ComputeSpec spec) {
        Map<String, String> s = new LinkedHashMap<>(spec.extraSettings()); // Cairn's own below always win
        s.put("listen_addresses", spec.loopbackOnly() ? "127.0.0.1" : "*");
        s.put("synchronous_standby_names", PROPOSER_APP);
        s.put("synchronous_commit", "on");
        s.put("fsync", "off");
        s.put("full_page_writes", "off");
        s.put("wal_consistency_checking", consistencyChecking(spec.verifyRedo()));
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
     * Cairn's own settings, which an operator's extra settings may not name. What the pageserver depends on
     * (DESIGN.md 2.4) can be set only in the configuration or on the command line, where the agent's -c options
     * outrank ALTER SYSTEM's postgresql.auto.conf; wal_consistency_checking, which a superuser can SET, no longer
     * matters to storage (it only adds images), but verify mode decides it.
     */
    static final java.util.List<String> PROTECTED = java.util.List.of("wal_consistency_checking", "full_page_writes",
            "wal_level", "synchronous_standby_names", "fsync");

    /** An operator's extra compute settings, checked: none may be one storage depends on. */
    static Map<String, String> operatorSettings(Map<String, String> settings) {
        for (String name : settings.keySet()) {
            if (PROTECTED.contains(name)) {
                throw new IllegalArgumentException("compute setting " + name + " is Cairn's own: storage depends on it");
            }
        }
        return Map.copyOf(settings);
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
