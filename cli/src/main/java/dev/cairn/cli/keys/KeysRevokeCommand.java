package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code cairn keys revoke TENANT [--reason TEXT]}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a tenant's keys (crypto-shredding until restore): all reads and writes fail.")
final class KeysRevokeCommand extends KeysSubcommand {
    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "revoked by operator")
    String reason;

    @Override
    int run(KeysSession session) throws Exception {
        Id128 t = tenant(tenant);
        session.hierarchy.revoke(t, reason);
        if (options.json) {
            printJson(Map.of("tenant", t.toString(), "state", "revoked", "reason", reason));
        } else {
            out().println("tenant " + t + " revoked: " + reason);
            out().flush();
        }
        return KeysExitCodes.OK;
    }
}
