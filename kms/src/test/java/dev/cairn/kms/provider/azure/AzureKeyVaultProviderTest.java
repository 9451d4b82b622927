package dev.cairn.kms.provider.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real azure-security-keyvault-keys CryptographyClient against a Key Vault REST endpoint over HTTPS on loopback. */
class AzureKeyVaultProviderTest {
    static final Id128 T = Id128.parse("ef99972d9a94066ca9ffb1120868b371") /* azure-tenant */;
    static final WrapContext CTX = new WrapContext(T, "kek");
    static final TokenCredential CREDENTIAL = request ->
            Mono.just(new AccessToken(FakeKeyVault.TOKEN, OffsetDateTime.now().plusHours(1)));

    static SelfSignedTls tls;
    static FakeKeyVault vault;
    static HttpClient http;

    @TempDir
    Path dir;

    FakeKeyVault.Key key;
    KeyRef cmk;
    AzureKeyVaultProvider provider;

    @BeforeAll
    static void startVault() throws Exception {
        tls = new SelfSignedTls();
        vault = new FakeKeyVault(tls);
        http = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(tls.client)).build();
    }

    @AfterAll
    static void stopVault() {
        vault.close();
    }

    @BeforeEach
    void key() {
        String name = "cmk-" + System.nanoTime();
        key = vault.createKey(name);
        cmk = KeyRef.parse("azure-kv://cairn-test.vault.azure.net/keys/" + name + "?endpoint=" + vault.endpoint());
        provider = new AzureKeyVaultProvider(CREDENTIAL, http);
    }

    @Test
    void roundTripThroughTheBearerChallengeWithKeyVersions() {
        byte[] kek = new byte[32];
        kek[31] = 7;
        WrappedKey v1 = provider.wrap(cmk, kek, CTX);
        assertThat(v1.keyVersion()).endsWith("/" + key.latest());
        assertThat(provider.unwrap(v1, CTX)).isEqualTo(kek);
        assertThat(vault.requests).anyMatch(r -> r.endsWith("/wrapkey")).anyMatch(r -> r.endsWith("/unwrapkey"));

        String v2 = key.rotate();
        WrappedKey w2 = provider.wrap(cmk, kek, CTX);
        assertThat(w2.keyVersion()).endsWith("/" + v2);
        assertThat(provider.unwrap(v1, CTX)).isEqualTo(kek); // the old version still unwraps
        assertThat(provider.unwrap(w2, CTX)).isEqualTo(kek);
        assertThat(provider.describe(cmk).primaryVersion()).isEqualTo(v2);

        byte[] bad = w2.blob();
        bad[0] ^= 1;
        assertThatThrownBy(() -> provider.unwrap(new WrappedKey(cmk, w2.keyVersion(), bad), CTX))
                .isInstanceOf(KmsRejectedException.class);
    }

    @Test
    void errorsAreClassified() {
        WrappedKey w = provider.wrap(cmk, new byte[32], CTX);
        vault.faults.add(429);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        vault.faults.add(503);
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsTransientException.class);
        key.enabled = false;
        assertThatThrownBy(() -> provider.unwrap(w, CTX)).isInstanceOf(KmsKeyRevokedException.class)
                .hasMessageContaining("disabled");
        assertThat(provider.describe(cmk).status()).isEqualTo(KeyStatus.DISABLED);
        KeyRef gone = KeyRef.parse("azure-kv://v/keys/missing?endpoint=" + vault.endpoint());
        assertThatThrownBy(() -> provider.wrap(gone, new byte[32], CTX)).isInstanceOf(KmsKeyRevokedException.class);
    }

    @Test
    void hierarchyOverKeyVaultRetriesAndRevokes() {
        TestClock clock = new TestClock();
        KeyHierarchyConfig config = HierarchyFixture.overProvider(dir, provider, clock, "azure-test");
        Aad aad = Aad.of("wal", "seg", 16);
        byte[] sealed;
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            vault.faults.add(503);
            vault.faults.add(429);
            h.createTenant(T, cmk);
            sealed = h.encrypt(T, aad, new byte[] {8});
        }
        try (KeyHierarchy h = KeyHierarchy.open(config)) {
            vault.faults.add(500);
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(8);
            key.rotate();
            h.rotateCmk(T, null);
            assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
            key.enabled = false;
            clock.advance(Duration.ofSeconds(61));
            assertThatThrownBy(() -> h.decrypt(T, aad, sealed)).isInstanceOf(KeyRevokedException.class);
            assertThat(h.state(T)).isEqualTo(TenantState.REVOKED);
            key.enabled = true;
            clock.advance(Duration.ofSeconds(2));
            assertThat(h.decrypt(T, aad, sealed)).containsExactly(8);
            assertThat(h.state(T)).isEqualTo(TenantState.ACTIVE);
        }
    }
}
