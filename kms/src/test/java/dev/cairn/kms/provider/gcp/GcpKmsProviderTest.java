package dev.cairn.kms.provider.gcp;

import com.google.cloud.kms.v1.CryptoKeyVersion.CryptoKeyVersionState;
import dev.cairn.kms.Aad;
import dev.cairn.kms.HierarchyFixture;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.KeyRevokedException;
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
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real google-cloud-kms client against a gRPC KeyManagementService on loopback. */
class GcpKmsProviderTest {
    static final String KEY = "projects/p1/locations/global/keyRings/cairn/cryptoKeys/cmk";
    static final Id128 T = Id128.parse("ad9aaaa6e6545240169204431c184ae3") /* gcp-tenant */;
    static final WrapContext CTX = new WrapContext(T, "kek");

    @TempDir
    Path dir;

    FakeGcpKms fake;
    FakeGcpKms.Key key;
    GcpKmsProvider provider;
    KeyRef cmk;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeGcpKms();
        key = fake.createKey(KEY);
        cmk = KeyRef.parse("gcp-kms://" + KEY + "?endpoint=" + fake.endpoint() + "&plaintext=true");
        provider = new GcpKmsProvider();
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        fake.close();
    }

    @Test
    void roundTripWithAadAndKeyVersions() {
        byte[] kek = new byte[32];
        kek[0] = 1;
        WrappedKey v1 = provider.wrap(cmk, kek, CTX);
        assertThat(v1.keyVersion()).isEqualTo(KEY + "/cryptoKeyVersions/1");
        assertThat(provider.unwrap(v1, CTX)).isEqualTo(kek);
        assertThat(fake.aads).isNotEmpty().allSatisfy(a -> assertThat(a.toStringUtf8()).contains("tenant=" + T));
        key.rotate();
        WrappedKey v2 = provider.wrap(cmk, kek, CTX);
        assertThat(v2.keyVersion()).isEqualTo(KEY + "/cryptoKeyVersions/2");
        assertThat(provider.unwrap(v1, CTX)).isEqualTo(kek);
        assertThat(provider.describe(cmk).primaryVersion()).endsWith("/cryptoKeyVersions/2");
        assertThatThrownBy(() -> provider.unwrap(v2, new WrapContext(Id128.parse("9dd4e461268c8034f5c8564e155c67a6") /* x */, "kek")))
                .isInstanceOf(KmsRejectedException.class).hasMessageContaining("INVALID_ARGUMENT");
    }

    @Test
    void errorsAreClassified() {
        WrappedKey w = provider.wrap(cmk, new byte[32], CTX);
        fake.faults.add(Status.UNAVAILABLE);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        fake.faults.add(Status.RESOURCE_EXHAUSTED);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        fake.faults.add(Status.INTERNAL);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        fake.faults.add(Status.PERMISSION_DENIED);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsKeyRevokedException.class);
        key.setState(CryptoKeyVersionState.DISABLED);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsKeyRevokedException.class)
                .hasMessageContaining("FAILED_PRECONDITION");
        assertThat(provider.describe(cmk).status()).isEqualTo(KeyStatus.DISABLED);
        key.setState(CryptoKeyVersionState.DESTROYED);
        assertThat(provider.describe(cmk).status()).isEqualTo(KeyStatus.DESTROYED);
    }

    @Test
    void hierarchyOverGcpRetriesAndRevokes() {
        TestClock clock = new TestClock();
        KeyHierarchyConfig config = HierarchyFixture.overProvider(dir, provider, clock, "gcp-test");
        Aad aad = Aad.of("page", "rel", 3);
        byte[] sealed;
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            fake.faults.add(Status.UNAVAILABLE);
            fake.faults.add(Status.RESOURCE_EXHAUSTED);
            h.createTenant(T, cmk);
            sealed = h.encrypt(T, aad, new byte[] {4});
        }
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            fake.faults.add(Status.UNAVAILABLE);
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(4);
            key.rotate();
            h.rotateCmk(T, null);
            assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
            key.setState(CryptoKeyVersionState.DISABLED);
            clock.advance(Duration.ofSeconds(61));
            assertThatThrownBy(() -> h.decrypt(T, aad, sealed)).isInstanceOf(KeyRevokedException.class);
            assertThat(h.state(T)).isEqualTo(TenantState.REVOKED);
            key.setState(CryptoKeyVersionState.ENABLED);
            h.restore(T);
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(4);
        }
    }
}
