package dev.cairn.cli.keys;

import dev.cairn.kms.DekInfo;
import dev.cairn.common.Id128;
import dev.cairn.kms.TenantStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cairn keys list [TENANT]}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List tenants, or one tenant's KEK and DEKs (ids and metadata, never key material).")
final class KeysListCommand extends KeysSubcommand {
    @Parameters(paramLabel = "TENANT", arity = "0..1")
    String tenant;

    @Override
    int run(KeysSession session) throws Exception {
        if (tenant == null) {
            List<Id128> ids = session.hierarchy.tenants();
            if (options.json) {
                printJson(ids.stream().map(t -> KeysStatusCommand.toJson(session.hierarchy.status(t))).toList());
            } else {
                ids.forEach(t -> out().println(t));
                out().flush();
            }
            return KeysExitCodes.OK;
        }
        Id128 t = tenant(tenant);
        TenantStatus s = session.hierarchy.status(t);
        List<DekInfo> deks = session.hierarchy.deks(t);
        if (options.json) {
            Map<String, Object> m = KeysStatusCommand.toJson(s);
            m.put("dekList", deks.stream().map(d -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", d.id().toString());
                x.put("purpose", d.purpose());
                x.put("kek", d.kekId());
                x.put("noncesReserved", d.noncesReserved());
                x.put("active", d.active());
                x.put("retired", d.retired());
                x.put("created", d.created());
                return x;
            }).toList());
            printJson(m);
            return KeysExitCodes.OK;
        }
        out().printf("tenant %s (%s), CMK %s, active kek-%d%n", t, s.state().name().toLowerCase(), s.cmk(), s.activeKek());
        String fmt = "  %-28s %-10s %-7s %-8s %12s  %s%n";
        out().printf(fmt, "DEK", "PURPOSE", "KEK", "STATE", "NONCES", "CREATED");
        for (DekInfo d : deks) {
            out().printf(fmt, d.id(), d.purpose(), "kek-" + d.kekId(),
                    d.active() ? "active" : d.retired() ? "retired" : "in use", d.noncesReserved(), d.created());
        }
        out().flush();
        return KeysExitCodes.OK;
    }
}
