package dev.cairn.kms.provider.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;

/**
 * The default Key Vault credential of the standard provider set: a bearer token from the environment
 * variable {@code CAIRN_AZURE_ACCESS_TOKEN} (e.g. from {@code az account get-access-token --resource
 * https://vault.azure.net}). Services that embed azure-identity pass {@code DefaultAzureCredential} to
 * {@link AzureKeyVaultProvider} instead.
 */
public final class EnvironmentTokenCredential implements TokenCredential {
    public static final String VARIABLE = "CAIRN_AZURE_ACCESS_TOKEN";

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        String token = System.getenv(VARIABLE);
        if (token == null || token.isBlank()) {
            return Mono.error(new IllegalStateException("no Azure credential: set " + VARIABLE
                    + " or configure the service with an azure-identity credential"));
        }
        return Mono.just(new AccessToken(token, OffsetDateTime.now().plusMinutes(5)));
    }
}
