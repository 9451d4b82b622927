package dev.cairn.kms.provider;

import dev.cairn.kms.provider.aws.AwsKmsProvider;
import dev.cairn.kms.provider.azure.AzureKeyVaultProvider;
import dev.cairn.kms.provider.azure.EnvironmentTokenCredential;
import dev.cairn.kms.provider.gcp.GcpKmsProvider;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;

import java.time.InstantSource;

/** The default provider set of a service: local (embedded), AWS KMS, Azure Key Vault, Google Cloud KMS. */
public final class StandardProviders {
    private StandardProviders() {
    }

    public static KmsProviders create(KeysLayout layout, InstantSource clock) {
        return create(new LocalKmsProvider(layout.localKms(), true, clock));
    }

    /** The standard set around a given local provider (the CLI keeps it to rotate local master keys). */
    public static KmsProviders create(LocalKmsProvider local) {
        return KmsProviders.of(local, AwsKmsProvider.withDefaultCredentials(), new GcpKmsProvider(),
                new AzureKeyVaultProvider(new EnvironmentTokenCredential(), null));
    }
}
