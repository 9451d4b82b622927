package dev.cairn.cli.keys;

import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;

/**
 * {@code cairn keys cmk status|disable|enable|destroy NAME}: what a customer does to a master key in their
 * KMS, for the embedded local KMS. Disabling a tenant's CMK revokes the tenant in every service of the
 * cluster within their key check interval; enabling it restores access with nothing lost.
 */
@Command(name = "cmk", mixinStandardHelpOptions = true,
        description = {"Act on a master key of the local KMS (NOT FOR PRODUCTION) as a customer would in their KMS.",
                "A tenant's CMK is named tenant-<tenant id> by default (see --tenant-cmk of the services)."})
final class KeysCmkCommand implements Callable<Integer> {
    enum Action { status, disable, enable, destroy }

    @Parameters(index = "0", paramLabel = "ACTION", description = "status, disable, enable or destroy (irreversible).")
    Action action;

    @Parameters(index = "1", paramLabel = "NAME", description = "Key name, e.g. tenant-0f3a... (local://NAME).")
    String name;

    @Option(names = "--local-kms", paramLabel = "FILE", defaultValue = "${env:CAIRN_LOCAL_KMS:-.cairn/kms/local-kms.json}",
            description = "The local KMS keyring (default: $CAIRN_LOCAL_KMS, else the local cluster's ${DEFAULT-VALUE}).")
    Path keyring;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(keyring)) {
            spec.commandLine().getErr().println("cairn keys cmk: no local KMS keyring at " + keyring
                    + " (start a local cluster, or pass --local-kms FILE)");
            return KeysExitCodes.USAGE;
        }
        LocalKmsProvider kms = new LocalKmsProvider(keyring, false, InstantSource.system());
        KeyRef ref = KeyRef.local(name);
        try {
            if (kms.describe(ref).status() == KeyStatus.DESTROYED && action != Action.status) {
                spec.commandLine().getErr().println("cairn keys cmk: no usable key " + ref + " in " + keyring);
                return KeysExitCodes.UNKNOWN_TENANT;
            }
            switch (action) {
                case disable -> kms.disableKey(name);
                case enable -> kms.enableKey(name);
                case destroy -> kms.destroyKey(name);
                case status -> {
                }
            }
        } catch (KmsRejectedException e) {
            spec.commandLine().getErr().println("cairn keys cmk: " + e.getMessage());
            return KeysExitCodes.USAGE;
        }
        KeyDescription d = kms.describe(ref);
        spec.commandLine().getOut().println(ref + ": " + d.status().name().toLowerCase()
                + (d.status() == KeyStatus.DESTROYED ? "" : " (primary version " + d.primaryVersion() + ")"));
        spec.commandLine().getOut().flush();
        return KeysExitCodes.OK;
    }
}
