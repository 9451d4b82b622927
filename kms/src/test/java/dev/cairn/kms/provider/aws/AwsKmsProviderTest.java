package dev.cairn.kms.provider.aws;

import dev.cairn.kms.Aad;
import dev.cairn.kms.HierarchyFixture;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.KeyUnavailableException;
import dev.cairn.common.Id128;
import dev.cairn.kms.TenantState;
import dev.cairn.kms.TestClock;
import dev.cairn.kms.VerifyProgress;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real AWS SDK v2 KMS client against a wire-compatible endpoint on loopback. */
class AwsKmsProviderTest {
    static final Id128 T = Id128.parse("eb3ee361e4ca8d561a5883ef6cfed23f") /* aws-tenant */;
    static final WrapContext CTX = new WrapContext(T, "kek");

    @TempDir
    Path dir;

    FakeAwsKms fake;
    AwsKmsProvider provider;
    KeyRef cmk;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAwsKms();
        String arn = fake.createKey("1234abcd-12ab-34cd-56ef-1234567890ab");
        cmk = KeyRef.parse("aws-kms://" + arn + "?endpoint=" + fake.endpoint());
        provider = new AwsKmsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void roundTripWithEncryptionContextAndKeyVersions() {
        byte[] kek = new byte[32];
        kek[5] = 9;
        WrappedKey w1 = provider.wrap(cmk, kek, CTX);
        assertThat(w1.keyVersion()).startsWith("arn:aws:kms:us-east-1");
        assertThat(provider.unwrap(w1, CTX)).isEqualTo(kek);
        assertThat(fake.contexts).contains(Map.of("cairn:tenant", T.toString(), "cairn:purpose", "kek"));
        assertThat(fake.targets).contains("TrentService.Encrypt", "TrentService.Decrypt");

        fake.keys.values().iterator().next().rotate(); // AWS rotates the backing key
        WrappedKey w2 = provider.wrap(cmk, kek, CTX);
        assertThat(w2.blob()).isNotEqualTo(w1.blob());
        assertThat(provider.unwrap(w1, CTX)).isEqualTo(kek);
        assertThat(provider.unwrap(w2, CTX)).isEqualTo(kek);
        assertThat(provider.describe(cmk).status()).isEqualTo(KeyStatus.ENABLED);

        assertThatThrownBy(() -> provider.unwrap(w1, new WrapContext(Id128.parse("795f3202b17cb6bc3d4b771d8c6c9eaf") /* other */, "kek")))
                .isInstanceOf(KmsRejectedException.class).hasMessageContaining("InvalidCiphertextException");
    }

    @Test
    void errorsAreClassified() {
        WrappedKey w = provider.wrap(cmk, new byte[32], CTX);
        fake.faults.add(new FakeAwsKms.Fault(400, "ThrottlingException"));
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class)
                .hasMessageContaining("ThrottlingException");
        fake.faults.add(new FakeAwsKms.Fault(500, "KMSInternalException"));
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        fake.faults.add(new FakeAwsKms.Fault(503, "ServiceUnavailable"));
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        fake.faults.add(new FakeAwsKms.Fault(400, "AccessDeniedException"));
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsKeyRevokedException.class);
        fake.keys.values().forEach(k -> k.enabled = false);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsKeyRevokedException.class)
                .hasMessageContaining("DisabledException");
        assertThat(provider.describe(cmk).status()).isEqualTo(KeyStatus.DISABLED);
        KeyRef missing = KeyRef.parse("aws-kms://arn:aws:kms:us-east-1:111122223333:key/nope?endpoint=" + fake.endpoint());
        assertThatThrownBy(() -> provider.wrap(missing, new byte[32], CTX)).isInstanceOf(KmsKeyRevokedException.class)
                .hasMessageContaining("NotFoundException");
        KeyRef unreachable = KeyRef.parse("aws-kms://arn:aws:kms:us-east-1:1:key/x?endpoint=http://127.0.0.1:1");
        assertThatThrownBy(() -> provider.wrap(unreachable, new byte[32], CTX)).isInstanceOf(KmsTransientException.class);
    }

    @Test
    void hierarchyOverAwsRetriesThrottlingAndRevokesOnDisable() {
        TestClock clock = new TestClock();
        KeyHierarchyConfig config = HierarchyFixture.overProvider(dir, provider, clock, "aws-test");
        byte[] sealed;
        Aad aad = Aad.of("wal", "seg", 0);
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            fake.faults.add(new FakeAwsKms.Fault(400, "ThrottlingException"));
            fake.faults.add(new FakeAwsKms.Fault(500, "KMSInternalException"));
            h.createTenant(T, cmk); // two transient failures, then success
            sealed = h.encrypt(T, aad, new byte[] {1, 2, 3});
        }
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            for (int i = 0; i < 4; i++) {
                fake.faults.add(new FakeAwsKms.Fault(400, "ThrottlingException"));
            }
            assertThatThrownBy(() -> h.decrypt(T, aad, sealed)).isInstanceOf(KeyUnavailableException.class);
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(1, 2, 3);

            fake.keys.values().forEach(k -> k.enabled = false);
            clock.advance(Duration.ofSeconds(61));
            assertThatThrownBy(() -> h.decrypt(T, aad, sealed)).isInstanceOf(KeyRevokedException.class);
            assertThat(h.state(T)).isEqualTo(TenantState.REVOKED);

            fake.keys.values().forEach(k -> k.enabled = true);
            clock.advance(Duration.ofSeconds(2));
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(1, 2, 3);
            h.rotateCmk(T, null);
            h.rotateKek(T);
            assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
        }
    }
}
