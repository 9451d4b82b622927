package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code cairn keys restore TENANT}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a revoked tenant once its CMK unwraps again (exit 4 while the KMS still refuses).")
final class KeysRestoreCommand extends KeysSubcommand {
    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Override
    int run(KeysSession session) throws Exception {
        Id128 t = tenant(tenant);
        session.hierarchy.restore(t);
        if (options.json) {
            printJson(Map.of("tenant", t.toString(), "state", "active"));
        } else {
            out().println("tenant " + t + " restored: keys active");
            out().flush();
        }
        return KeysExitCodes.OK;
    }
}
