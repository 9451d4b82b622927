package dev.cairn.kms;

import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.RetryPolicy;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.FileKeyringStore;
import dev.cairn.kms.store.KeyringStore;
import dev.cairn.kms.store.KeysLayout;

import java.nio.file.Path;
import java.time.Duration;

/** A data directory with the local provider (behind a {@link FaultyProvider}) and a test clock. */
public final class HierarchyFixture {
    public final Path dataDir;
    public final KeysLayout layout;
    public final TestClock clock = new TestClock();
    public final LocalKmsProvider local;
    public final FaultyProvider faulty;
    public Duration ttl = Duration.ofMinutes(10);
    public long maxMessagesPerDek = KeyHierarchyConfig.DEFAULT_MAX_MESSAGES_PER_DEK;
    public long nonceReservation = 1024;

    public HierarchyFixture(Path dataDir) {
        this.dataDir = dataDir;
        this.layout = KeysLayout.under(dataDir);
        this.local = new LocalKmsProvider(layout.localKms(), true, clock);
        this.faulty = new FaultyProvider(local);
    }

    /**
     * A hierarchy over a cloud provider under test, with a short cache TTL and
     * fast retries so that revocation and transient faults show quickly.
     */
    public static KeyHierarchyConfig overProvider(Path dataDir, KmsProvider provider, TestClock clock, String caller) {
        return KeyHierarchyConfig.builder(dataDir)
                .providers(KmsProviders.of(provider))
                .retry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)))
                .cacheTtl(Duration.ofSeconds(60))
                .revokedProbeInterval(Duration.ofSeconds(1))
                .clock(clock).caller(caller).build();
    }

    public KeyHierarchy open() {
        return open(new FileKeyringStore(layout));
    }

    public KeyHierarchy open(KeyringStore store) {
        return KeyHierarchy.open(KeyHierarchyConfig.builder(dataDir)
                .providers(KmsProviders.of(faulty))
                .store(store)
                .cacheTtl(ttl)
                .revokedProbeInterval(Duration.ofSeconds(5))
                .maxMessagesPerDek(maxMessagesPerDek)
                .nonceReservation(nonceReservation)
                .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .caller("test")
                .clock(clock)
                .build());
    }
}
