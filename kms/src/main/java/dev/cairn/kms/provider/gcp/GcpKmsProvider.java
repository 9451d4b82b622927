package dev.cairn.kms.provider.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.kms.v1.CryptoKey;
import com.google.cloud.kms.v1.CryptoKeyVersion;
import com.google.cloud.kms.v1.DecryptResponse;
import com.google.cloud.kms.v1.EncryptResponse;
import com.google.cloud.kms.v1.KeyManagementServiceClient;
import com.google.cloud.kms.v1.KeyManagementServiceSettings;
import com.google.protobuf.ByteString;
import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.ProviderHealth;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K} (optionally {@code ?endpoint=HOST:PORT},
 * and {@code &plaintext=true} for a local emulator without TLS or credentials). Wraps with Encrypt (the
 * primary version; its name is recorded as the key version) and unwraps with Decrypt, both with the wrap
 * context as additional authenticated data. Client retries are off: the hierarchy retries.
 */
public final class GcpKmsProvider implements KmsProvider {
    public static final String SCHEME = "gcp-kms";
    private static final Pattern CRYPTO_KEY = Pattern.compile("projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+");

    private final Map<String, KeyManagementServiceClient> clients = new ConcurrentHashMap<>();

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context) {
        String name = cryptoKey(cmk);
        try {
            EncryptResponse r = client(cmk).encrypt(com.google.cloud.kms.v1.EncryptRequest.newBuilder()
                    .setName(name)
                    .setPlaintext(ByteString.copyFrom(plaintextKey))
                    .setAdditionalAuthenticatedData(ByteString.copyFrom(context.aad()))
                    .build());
            return new WrappedKey(cmk, r.getName(), r.getCiphertext().toByteArray());
        } catch (RuntimeException e) {
            throw GcpErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped, WrapContext context) {
        KeyRef cmk = wrapped.keyRef();
        try {
            DecryptResponse r = client(cmk).decrypt(com.google.cloud.kms.v1.DecryptRequest.newBuilder()
                    .setName(cryptoKey(cmk))
                    .setCiphertext(ByteString.copyFrom(wrapped.blob()))
                    .setAdditionalAuthenticatedData(ByteString.copyFrom(context.aad()))
                    .build());
            return r.getPlaintext().toByteArray();
        } catch (RuntimeException e) {
            throw GcpErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public KeyDescription describe(KeyRef cmk) {
        try {
            CryptoKey key = client(cmk).getCryptoKey(cryptoKey(cmk));
            CryptoKeyVersion primary = key.getPrimary();
            KeyStatus status = switch (primary.getState()) {
                case ENABLED -> KeyStatus.ENABLED;
                case DISABLED -> KeyStatus.DISABLED;
                case DESTROY_SCHEDULED -> KeyStatus.PENDING_DELETION;
                case DESTROYED -> KeyStatus.DESTROYED;
                default -> KeyStatus.UNKNOWN;
            };
            return new KeyDescription(cmk, status, primary.getName());
        } catch (RuntimeException e) {
            throw GcpErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public ProviderHealth health() {
        return ProviderHealth.ok(SCHEME, clients.size() + " client(s); reachability is checked per key by describe");
    }

    private static String cryptoKey(KeyRef ref) {
        String r = ref.resource();
        int v = r.indexOf("/cryptoKeyVersions/");
        String key = v < 0 ? r : r.substring(0, v);
        if (!CRYPTO_KEY.matcher(key).matches()) {
            throw new KmsRejectedException(ref, "expected gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K", null);
        }
        return key;
    }

    private KeyManagementServiceClient client(KeyRef ref) {
        String endpoint = ref.param("endpoint").orElse(KeyManagementServiceSettings.getDefaultEndpoint());
        boolean plaintext = ref.param("plaintext").map(Boolean::parseBoolean).orElse(false);
        return clients.computeIfAbsent(endpoint + "|" + plaintext, k -> {
            try {
                KeyManagementServiceSettings.Builder b = KeyManagementServiceSettings.newBuilder().setEndpoint(endpoint);
                if (plaintext) {
                    b.setCredentialsProvider(NoCredentialsProvider.create())
                            .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                    .setEndpoint(endpoint)
                                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                    .build());
                }
                b.encryptSettings().setRetryableCodes(Set.of());
                b.decryptSettings().setRetryableCodes(Set.of());
                b.getCryptoKeySettings().setRetryableCodes(Set.of());
                return KeyManagementServiceClient.create(b.build());
            } catch (IOException e) {
                throw new KmsTransientException(ref, "cannot create Cloud KMS client: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        clients.values().forEach(KeyManagementServiceClient::close);
        clients.clear();
    }
}
