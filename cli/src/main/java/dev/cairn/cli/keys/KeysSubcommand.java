package dev.cairn.cli.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.kms.DecryptionFailedException;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.KeyUnavailableException;
import dev.cairn.kms.KeyringCorruptException;
import dev.cairn.common.Id128;
import dev.cairn.kms.UnknownTenantException;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsTransientException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

/** Common behaviour: option checks, session handling and the mapping of errors to exit codes. */
abstract class KeysSubcommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    KeysOptions options;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs with the opened session; returns the exit code. */
    abstract int run(KeysSession session) throws Exception;

    /** Whether the data directory must already hold keys. */
    boolean requiresExistingKeys() {
        return true;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(Object value) throws Exception {
        out().println(JSON.writeValueAsString(value));
        out().flush();
    }

    /** The named tenants, or every tenant of the data directory when none is named. */
    static List<Id128> tenantsOrAll(KeysSession session, List<String> named) {
        return named.isEmpty() ? session.hierarchy.tenants() : named.stream().map(KeysSubcommand::tenant).toList();
    }

    static Id128 tenant(String text) {
        try {
            return Id128.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("invalid tenant id '" + text + "': a tenant is a 128-bit id, 32 hex digits");
        }
    }

    @Override
    public final Integer call() {
        if (options.data == null) {
            return usage("no data directory: pass --data DIR or set CAIRN_DATA");
        }
        if (!Files.isDirectory(options.data)) {
            return usage("data directory " + options.data + " does not exist");
        }
        if (requiresExistingKeys() && !Files.isDirectory(options.data.resolve("keys"))) {
            return usage("no keys under " + options.data + " (expected " + options.data.resolve("keys") + ")");
        }
        try (KeysSession session = KeysSession.open(options.data)) {
            return run(session);
        } catch (BadArgumentException | CommandLine.ParameterException e) {
            return usage(e.getMessage());
        } catch (UnknownTenantException e) {
            return fail(KeysExitCodes.UNKNOWN_TENANT, e.getMessage());
        } catch (KeyRevokedException | KmsKeyRevokedException e) {
            return fail(KeysExitCodes.REVOKED, e.getMessage());
        } catch (KeyUnavailableException | KmsTransientException e) {
            return fail(KeysExitCodes.KMS_UNAVAILABLE, e.getMessage());
        } catch (KeyringCorruptException | DecryptionFailedException e) {
            return fail(KeysExitCodes.CORRUPT, e.getMessage());
        } catch (KmsException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            return fail(KeysExitCodes.FAILED, e.getMessage());
        } catch (Exception e) {
            return fail(KeysExitCodes.FAILED, e.toString());
        }
    }

    private int usage(String message) {
        err().println("cairn keys: " + message);
        err().flush();
        return KeysExitCodes.USAGE;
    }

    int fail(int code, String message) {
        err().println("cairn keys: error: " + message);
        err().flush();
        return code;
    }
}
