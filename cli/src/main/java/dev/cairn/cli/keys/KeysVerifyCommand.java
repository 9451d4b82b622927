package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import dev.cairn.kms.VerifyProgress;
import dev.cairn.kms.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cairn keys verify [TENANT...]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Unwrap every wrapped key (KEKs through the KMS, DEKs with their KEK) and report. Exit 1 on failures.")
final class KeysVerifyCommand extends KeysSubcommand {
    @Parameters(paramLabel = "TENANT", arity = "0..*")
    List<String> tenants = new ArrayList<>();

    @Override
    int run(KeysSession session) throws Exception {
        List<Id128> ids = tenantsOrAll(session, tenants);
        List<VerifyReport> reports = new ArrayList<>();
        for (Id128 t : ids) {
            session.hierarchy.status(t); // unknown tenant fails before any work
        }
        for (Id128 t : ids) {
            VerifyProgress progress = options.json ? VerifyProgress.NONE : new ProgressBar(err(), "verify " + t)::update;
            reports.add(session.hierarchy.verify(t, progress));
        }
        boolean ok = reports.stream().allMatch(VerifyReport::ok);
        if (options.json) {
            printJson(reports.stream().map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tenant", r.tenant().toString());
                m.put("cmk", r.cmk());
                m.put("ok", r.ok());
                m.put("keks", r.keks());
                m.put("keksOk", r.keksOk());
                m.put("deks", r.deks());
                m.put("deksOk", r.deksOk());
                m.put("failures", r.failures());
                return m;
            }).toList());
        } else {
            for (VerifyReport r : reports) {
                out().printf("%s: %s  %d/%d KEKs, %d/%d DEKs unwrapped (CMK %s)%n", r.tenant(), r.ok() ? "OK" : "FAILED",
                        r.keksOk(), r.keks(), r.deksOk(), r.deks(), r.cmk());
                r.failures().forEach(f -> out().println("  " + f));
            }
            if (reports.isEmpty()) {
                out().println("no tenants to verify");
            }
            out().flush();
        }
        return ok ? KeysExitCodes.OK : KeysExitCodes.FAILED;
    }
}
