package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import dev.cairn.kms.TenantStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cairn keys status [TENANT...]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Key state of every tenant (or the given ones): active/revoked, CMK, KEK, DEKs, pending rotation.")
final class KeysStatusCommand extends KeysSubcommand {
    @Parameters(paramLabel = "TENANT", arity = "0..*")
    List<String> tenants = new ArrayList<>();

    @Override
    int run(KeysSession session) throws Exception {
        List<Id128> ids = tenantsOrAll(session, tenants);
        List<TenantStatus> statuses = new ArrayList<>();
        for (Id128 t : ids) {
            statuses.add(session.hierarchy.status(t));
        }
        if (options.json) {
            printJson(statuses.stream().map(KeysStatusCommand::toJson).toList());
            return KeysExitCodes.OK;
        }
        if (statuses.isEmpty()) {
            out().println("no tenants in " + session.layout.root());
            return KeysExitCodes.OK;
        }
        String fmt = "%-24s %-8s %-44s %-7s %5s  %s%n";
        out().printf(fmt, "TENANT", "STATE", "CMK", "KEK", "DEKS", "NOTE");
        for (TenantStatus s : statuses) {
            String note = s.revocationReason() != null ? s.revocationSource().name().toLowerCase() + ": " + s.revocationReason()
                    : s.rotationPending() ? "rotation pending (run: cairn keys rotate " + s.tenant() + " --kek)" : "-";
            out().printf(fmt, s.tenant(), s.state().name().toLowerCase(), s.cmk(), "kek-" + s.activeKek(), s.dekCount(), note);
        }
        out().flush();
        return KeysExitCodes.OK;
    }

    static Map<String, Object> toJson(TenantStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", s.tenant().toString());
        m.put("state", s.state().name().toLowerCase());
        m.put("revocationSource", s.revocationSource() == null ? null : s.revocationSource().name().toLowerCase());
        m.put("revocationReason", s.revocationReason());
        m.put("cmk", s.cmk());
        m.put("activeKek", s.activeKek());
        m.put("keks", s.kekCount());
        m.put("deks", s.dekCount());
        m.put("activeDeks", s.activeDeks());
        m.put("rotationPending", s.rotationPending());
        m.put("generation", s.generation());
        return m;
    }
}
