package dev.cairn.compute;

import dev.cairn.redo.BlockRedo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The postgresql settings and pg_hba.conf of a Cairn compute (DESIGN.md section 2): the proposer is the
 * synchronous standby, so COMMIT waits for the quorum; the local disk is disposable (fsync off, and
 * full_page_writes off: a compute never recovers from its own disk, and the pageserver redoes every record on
 * the page version before it, so a torn page is never read); records of resource managers the pageserver has
 * no Java redo for carry the images of the blocks they change (wal_consistency_checking).
 */
final class ComputeSettings {
    static final String PROPOSER_APP = "cairn_proposer";
    static final String AGENT_ROLE = "cairn_agent";
    /** wal_consistency_checking: the resource managers without Java redo, or all of them in verify mode. */
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
     * What the pageserver depends on (DESIGN.md 2.4). All but wal_consistency_checking can be set only in
     * the configuration or on the command line, where the agent's -c options outrank ALTER SYSTEM's
     * postgresql.auto.conf; a superuser can SET wal_consistency_checking, and a record that then comes
     * without its images is stopped before the quorum (RecordWithoutImageException).
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
     * Removes per-role and per-database values of the protected settings (ALTER ROLE/DATABASE ... SET): such
     * a value would make every new session of that role or database write records the quorum refuses.
     */
    static String resetProtectedSettingsSql() {
        String names = String.join(",", PROTECTED.stream().map(n -> "'" + n + "'").toList());
        return """
                DO $$DECLARE r record; BEGIN
                FOR r IN SELECT s.setrole, s.setdatabase, ro.rolname, d.datname, split_part(c, '=', 1) AS name
                    FROM pg_db_role_setting s LEFT JOIN pg_roles ro ON ro.oid = s.setrole
                    LEFT JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c
                    WHERE split_part(c, '=', 1) IN (%s) LOOP
                  RAISE WARNING 'Cairn: removing %% = ... set for role %% in database %%', r.name, r.rolname, r.datname;
                  IF r.setrole = 0 THEN EXECUTE format('ALTER DATABASE %%I RESET %%s', r.datname, r.name);
                  ELSIF r.setdatabase = 0 THEN EXECUTE format('ALTER ROLE %%I RESET %%s', r.rolname, r.name);
                  ELSE EXECUTE format('ALTER ROLE %%I IN DATABASE %%I RESET %%s', r.rolname, r.datname, r.name);
                  END IF;
                END LOOP; END$$;""".formatted(names);
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
