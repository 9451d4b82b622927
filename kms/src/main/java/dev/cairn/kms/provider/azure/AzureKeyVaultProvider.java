package dev.cairn.kms.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.keys.cryptography.models.WrapResult;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.ProviderHealth;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code azure-kv://VAULT-HOST/keys/NAME[/VERSION]} ({@code ?endpoint=https://HOST:PORT} to reach the
 * vault elsewhere, e.g. a private endpoint or emulator; challenge-resource verification is then off).
 * Wraps with wrapKey RSA-OAEP-256 under the key's current version (or the pinned one) and records the
 * versioned key id, which unwrapKey uses, so older versions keep unwrapping after rotation. All
 * cryptography runs in the vault (local key caching disabled). SDK retries are off: the hierarchy
 * retries. The wrap context is not bound by RSA-OAEP; the hierarchy binds it one level down (DEK AAD).
 */
public final class AzureKeyVaultProvider implements KmsProvider {
    public static final String SCHEME = "azure-kv";
    private static final KeyWrapAlgorithm ALGORITHM = KeyWrapAlgorithm.RSA_OAEP_256;

    private final TokenCredential credential;
    private final HttpClient httpClient;
    private final Map<String, CryptographyClient> clients = new ConcurrentHashMap<>();

    /**
     * @param credential e.g. {@code DefaultAzureCredential} from azure-identity, supplied by the embedding service
     * @param httpClient the transport (null: the SDK default found on the class path)
     */
    public AzureKeyVaultProvider(TokenCredential credential, HttpClient httpClient) {
        this.credential = credential;
        this.httpClient = httpClient;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context) {
        try {
            String kid = keyId(cmk);
            if (versionOf(cmk) == null) {
                kid = client(cmk, kid).getKey().getId(); // the current version
            }
            WrapResult r = client(cmk, kid).wrapKey(ALGORITHM, plaintextKey);
            return new WrappedKey(cmk, r.getKeyId() != null ? r.getKeyId() : kid, r.getEncryptedKey());
        } catch (KmsRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AzureErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped, WrapContext context) {
        KeyRef cmk = wrapped.keyRef();
        try {
            String kid = wrapped.keyVersion().isEmpty() ? keyId(cmk) : wrapped.keyVersion();
            if (!kid.startsWith(vaultUrl(cmk) + "/keys/")) {
                kid = vaultUrl(cmk) + kid.substring(kid.indexOf("/keys/"));
            }
            return client(cmk, kid).unwrapKey(ALGORITHM, wrapped.blob()).getKey();
        } catch (KmsRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AzureErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public KeyDescription describe(KeyRef cmk) {
        try {
            KeyVaultKey key = client(cmk, keyId(cmk)).getKey();
            boolean enabled = Boolean.TRUE.equals(key.getProperties().isEnabled());
            return new KeyDescription(cmk, enabled ? KeyStatus.ENABLED : KeyStatus.DISABLED, key.getProperties().getVersion());
        } catch (KmsRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AzureErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public ProviderHealth health() {
        return ProviderHealth.ok(SCHEME, clients.size() + " client(s); reachability is checked per key by describe");
    }

    private static String[] parts(KeyRef ref) {
        String[] p = ref.resource().split("/");
        if (p.length < 3 || p.length > 4 || !p[1].equals("keys") || p[0].isEmpty() || p[2].isEmpty()) {
            throw new KmsRejectedException(ref, "expected azure-kv://VAULT-HOST/keys/NAME[/VERSION]", null);
        }
        return p;
    }

    private static String versionOf(KeyRef ref) {
        String[] p = parts(ref);
        return p.length == 4 ? p[3] : null;
    }

    private static String vaultUrl(KeyRef ref) {
        return ref.param("endpoint").orElse("https://" + parts(ref)[0]).replaceAll("/+$", "");
    }

    private static String keyId(KeyRef ref) {
        String[] p = parts(ref);
        return vaultUrl(ref) + "/keys/" + p[2] + (p.length == 4 ? "/" + p[3] : "");
    }

    private CryptographyClient client(KeyRef ref, String kid) {
        return clients.computeIfAbsent(kid, k -> {
            CryptographyClientBuilder b = new CryptographyClientBuilder()
                    .keyIdentifier(kid)
                    .credential(credential)
                    .disableKeyCaching()
                    .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))));
            if (httpClient != null) {
                b.httpClient(httpClient);
            }
            if (ref.param("endpoint").isPresent()) {
                b.disableChallengeResourceVerification();
            }
            return b.buildClient();
        });
    }
}
