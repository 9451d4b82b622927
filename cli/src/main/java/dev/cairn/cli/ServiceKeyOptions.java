package dev.cairn.cli;

import dev.cairn.kms.CmkNaming;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The key options every data-holding service shares: where the customer master keys live, which CMK a
 * tenant uses, and how often the KMS is asked whether a tenant's CMK still works.
 */
public final class ServiceKeyOptions {
    /**
     * How often a request for a revoked tenant may ask the KMS whether its CMK is back: short, so a
     * restore takes effect on the next request rather than the next check, which may be minutes away.
     */
    static final Duration REVOKED_PROBE = Duration.ofSeconds(1);

    @Option(names = "--tenant-cmk", defaultValue = "local://tenant-{tenant}", paramLabel = "PATTERN",
            description = {"CMK of each tenant; {tenant} is replaced by the tenant id (default ${DEFAULT-VALUE}).",
                    "E.g. aws-kms://alias/cairn-{tenant}?region=eu-west-1, azure-kv://VAULT/keys/t-{tenant},",
                    "gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/t-{tenant}."})
    String tenantCmk;

    @Option(names = "--local-kms", paramLabel = "FILE",
            description = "Keyring file of the local:// KMS provider, NOT FOR PRODUCTION (default: DATA/keys/local-kms.json).")
    Path localKms;

    @Option(names = "--key-check-interval", defaultValue = "30", paramLabel = "SECONDS",
            description = "Seconds between checks of every tenant's CMK with the KMS: bounds how long a revocation goes unnoticed (default ${DEFAULT-VALUE}).")
    long checkSeconds;

    /**
     * Opens the service's keys under {@code dataDir/keys}.
     *
     * @throws IllegalArgumentException for a bad pattern or interval (the caller reports it as a usage error)
     */
    public ServiceKeys open(Path dataDir, String service) {
        CmkNaming naming = new CmkNaming(tenantCmk);
        if (checkSeconds <= 0) {
            throw new IllegalArgumentException("--key-check-interval must be positive, got " + checkSeconds);
        }
        Duration interval = Duration.ofSeconds(checkSeconds);
        Path keyring = localKms != null ? localKms : KeysLayout.under(dataDir).localKms();
        LocalKmsProvider local = new LocalKmsProvider(keyring, true, InstantSource.system());
        return ServiceKeys.open(KeyHierarchyConfig.builder(dataDir)
                .providers(StandardProviders.create(local))
                .revokedProbeInterval(REVOKED_PROBE)
                .caller(service)
                .build(), naming, interval);
    }
}
