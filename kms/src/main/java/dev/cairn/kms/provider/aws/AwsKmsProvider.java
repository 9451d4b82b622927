package dev.cairn.kms.provider.aws;

import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.ProviderHealth;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code aws-kms://ARN} (or {@code aws-kms://alias/NAME?region=R}, {@code ?endpoint=URL} to override the
 * endpoint). Wraps with Encrypt and unwraps with Decrypt, both with the encryption context
 * {@code {cairn:tenant, cairn:purpose}}, so a wrapped KEK only unwraps for its tenant and CloudTrail
 * names the tenant. Key versions are AWS's backing keys, carried inside the ciphertext blob; CMK
 * rotation re-encrypts under the current backing key. SDK retries are off: the hierarchy retries.
 */
public final class AwsKmsProvider implements KmsProvider {
    public static final String SCHEME = "aws-kms";

    private final AwsCredentialsProvider credentials;
    private final Map<String, KmsClient> clients = new ConcurrentHashMap<>();

    public AwsKmsProvider(AwsCredentialsProvider credentials) {
        this.credentials = credentials;
    }

    /** With the SDK's default credential chain (environment, profile, instance role...). */
    public static AwsKmsProvider withDefaultCredentials() {
        return new AwsKmsProvider(DefaultCredentialsProvider.create());
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context) {
        try {
            EncryptResponse r = client(cmk).encrypt(b -> b.keyId(cmk.resource())
                    .plaintext(SdkBytes.fromByteArray(plaintextKey))
                    .encryptionContext(context.asMap()));
            return new WrappedKey(cmk, r.keyId(), r.ciphertextBlob().asByteArray());
        } catch (SdkException e) {
            throw AwsErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped, WrapContext context) {
        KeyRef cmk = wrapped.keyRef();
        try {
            DecryptResponse r = client(cmk).decrypt(b -> b.keyId(cmk.resource())
                    .ciphertextBlob(SdkBytes.fromByteArray(wrapped.blob()))
                    .encryptionContext(context.asMap()));
            return r.plaintext().asByteArray();
        } catch (SdkException e) {
            throw AwsErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public KeyDescription describe(KeyRef cmk) {
        try {
            KeyMetadata m = client(cmk).describeKey(b -> b.keyId(cmk.resource())).keyMetadata();
            KeyStatus status = switch (m.keyStateAsString()) {
                case "Enabled" -> KeyStatus.ENABLED;
                case "Disabled" -> KeyStatus.DISABLED;
                case "PendingDeletion", "PendingReplicaDeletion" -> KeyStatus.PENDING_DELETION;
                default -> KeyStatus.UNKNOWN;
            };
            return new KeyDescription(cmk, status, m.arn());
        } catch (SdkException e) {
            throw AwsErrorClassifier.classify(cmk, e);
        }
    }

    @Override
    public ProviderHealth health() {
        return ProviderHealth.ok(SCHEME, clients.size() + " client(s); reachability is checked per key by describe");
    }

    KmsClient client(KeyRef ref) {
        String region = ref.param("region").orElseGet(() -> regionOf(ref));
        String endpoint = ref.param("endpoint").orElse("");
        return clients.computeIfAbsent(region + "|" + endpoint, k -> {
            KmsClientBuilder b = KmsClient.builder()
                    .region(Region.of(region))
                    .credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(5))
                            .socketTimeout(Duration.ofSeconds(10)))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(Duration.ofSeconds(30)));
            if (!endpoint.isEmpty()) {
                b.endpointOverride(URI.create(endpoint));
            }
            return b.build();
        });
    }

    private static String regionOf(KeyRef ref) {
        String[] arn = ref.resource().split(":");
        if (arn.length >= 6 && arn[0].equals("arn") && !arn[3].isEmpty()) {
            return arn[3];
        }
        throw new KmsRejectedException(ref, "cannot tell the AWS region: use a key ARN or add ?region=REGION", null);
    }

    @Override
    public void close() {
        clients.values().forEach(KmsClient::close);
        clients.clear();
    }
}
