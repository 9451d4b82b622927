package dev.cairn.kms.store;

import dev.cairn.common.Id128;

import java.nio.file.Path;

/**
 * Where key files live under a service data directory:
 * <pre>
 *   DATA/keys/tenants/TENANT.keyring   wrapped KEKs and DEKs of one tenant
 *   DATA/keys/local-kms.json           the local provider's master keys (development only)
 *   DATA/keys/audit.log                one JSON line per key operation
 * </pre>
 */
public record KeysLayout(Path root) {

    public static KeysLayout under(Path dataDir) {
        return new KeysLayout(dataDir.resolve("keys"));
    }

    public Path tenantsDir() {
        return root.resolve("tenants");
    }

    public Path tenantKeyring(Id128 tenant) {
        return tenantsDir().resolve(tenant.toString() + ".keyring");
    }

    public Path localKms() {
        return root.resolve("local-kms.json");
    }

    public Path auditLog() {
        return root.resolve("audit.log");
    }
}
