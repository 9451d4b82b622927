package dev.cairn.cli.keys;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn keys}: the key hierarchy of a service data directory (offline). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Administer envelope-encryption keys (CMK -> KEK -> DEK) of a service data directory.",
                "Works offline on --data DIR (stop the service first for changes).",
                "The local:// provider is for development only: NOT FOR PRODUCTION."},
        subcommands = {KeysStatusCommand.class, KeysListCommand.class, KeysCreateCommand.class,
                KeysRotateCommand.class, KeysRevokeCommand.class, KeysRestoreCommand.class,
                KeysVerifyCommand.class, KeysAuditCommand.class, KeysCmkCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation found problems (e.g. verify failures)",
                "2:bad arguments or data directory", "3:unknown tenant", "4:keys revoked / KMS refuses the CMK",
                "5:KMS unreachable", "6:corrupt keyring or wrapped key"})
public final class KeysCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("cairn keys: missing subcommand: "
                + "status, list, create, rotate, revoke, restore, verify or audit");
        spec.commandLine().usage(spec.commandLine().getErr());
        return KeysExitCodes.USAGE;
    }
}
