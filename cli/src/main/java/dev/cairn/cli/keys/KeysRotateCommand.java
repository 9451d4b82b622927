package dev.cairn.cli.keys;

import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cairn keys rotate TENANT --cmk [--to REF] | --kek | --dek PURPOSE}. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Rotate a key online, without re-encrypting data:",
                "  --cmk  re-wrap the KEK under the CMK's new primary version (local:// keys get a new version first),",
                "         or under another CMK with --to REF;",
                "  --kek  new KEK, every DEK re-wrapped;",
                "  --dek  new writes of PURPOSE use a new DEK; old data stays readable."})
final class KeysRotateCommand extends KeysSubcommand {
    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    static final class Which {
        @Option(names = "--cmk", required = true, description = "Rotate the CMK wrapping.")
        boolean cmk;

        @Option(names = "--kek", required = true, description = "Rotate the tenant's KEK.")
        boolean kek;

        @Option(names = "--dek", required = true, paramLabel = "PURPOSE", description = "Rotate the active DEK of PURPOSE.")
        String dek;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--to", paramLabel = "REF", description = "With --cmk: move to this CMK.")
    String to;

    @Override
    int run(KeysSession session) throws Exception {
        Id128 t = tenant(tenant);
        if (to != null && !which.cmk) {
            throw new BadArgumentException("--to only applies to --cmk");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tenant", t.toString());
        String before;
        if (which.cmk) {
            before = session.hierarchy.status(t).cmk();
            KeyRef target = null;
            if (to != null) {
                try {
                    target = KeyRef.parse(to);
                } catch (IllegalArgumentException e) {
                    throw new BadArgumentException(e.getMessage());
                }
            } else {
                KeyRef current = KeyRef.parse(before);
                if (LocalKmsProvider.SCHEME.equals(current.scheme())) {
                    int v = session.local.rotateKey(current.resource());
                    result.put("localKeyVersion", v);
                }
            }
            session.hierarchy.rotateCmk(t, target);
            result.put("rotated", "cmk");
            result.put("from", before);
            result.put("to", session.hierarchy.status(t).cmk());
        } else if (which.kek) {
            before = "kek-" + session.hierarchy.status(t).activeKek();
            session.hierarchy.rotateKek(t);
            result.put("rotated", "kek");
            result.put("from", before);
            result.put("to", "kek-" + session.hierarchy.status(t).activeKek());
            result.put("deksRewrapped", session.hierarchy.status(t).dekCount());
        } else {
            result.put("rotated", "dek");
            result.put("purpose", which.dek);
            result.put("to", session.hierarchy.rotateDek(t, which.dek).toString());
        }
        if (options.json) {
            printJson(result);
        } else {
            out().printf("rotated %s of tenant %s: %s -> %s%s%n", result.get("rotated"), t,
                    result.getOrDefault("from", "(none)"), result.get("to"),
                    result.containsKey("localKeyVersion") ? " (local key version " + result.get("localKeyVersion") + ")" : "");
            out().flush();
        }
        return KeysExitCodes.OK;
    }
}
