package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code cairn keys create TENANT [--cmk REF]}. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a tenant's keys: a new KEK wrapped by the CMK.")
final class KeysCreateCommand extends KeysSubcommand {
    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Option(names = "--cmk", paramLabel = "REF", defaultValue = "local://default",
            description = "CMK reference: local://NAME (NOT FOR PRODUCTION), aws-kms://ARN, azure-kv://VAULT/keys/NAME, "
                    + "gcp-kms://projects/.../cryptoKeys/K (default: ${DEFAULT-VALUE}).")
    String cmk;

    @Override
    boolean requiresExistingKeys() {
        return false;
    }

    @Override
    int run(KeysSession session) throws Exception {
        Id128 t = tenant(tenant);
        KeyRef ref;
        try {
            ref = KeyRef.parse(cmk);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException(e.getMessage());
        }
        session.hierarchy.createTenant(t, ref);
        if (options.json) {
            printJson(Map.of("tenant", t.toString(), "cmk", ref.toString(), "created", true));
        } else {
            out().println("created keys of tenant " + t + " under " + ref);
        }
        return KeysExitCodes.OK;
    }
}
