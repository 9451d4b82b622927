package dev.cairn.kms;

import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.RetryPolicy;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.store.FileKeyringStore;
import dev.cairn.kms.store.KeyringStore;
import dev.cairn.kms.store.KeysLayout;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link KeyHierarchy} runs.
 *
 * @param layout               where key files live (under the service data directory)
 * @param providers            KMS providers by scheme
 * @param store                keyring persistence
 * @param cacheTtl             how long unwrapped keys are served without a successful KMS call; also the
 *                             bound on how long a revocation can go unnoticed under traffic
 * @param revokedProbeInterval how often a tenant revoked by its KMS is re-checked on access
 * @param maxMessagesPerDek    hard limit of messages sealed per DEK (nonce budget); then a new DEK
 * @param nonceReservation     nonce counters reserved (persisted) at a time
 * @param retry                retries of transient KMS failures
 * @param caller               who acts, for the audit log (service name, {@code cli:USER})
 * @param clock                time source (tests move it)
 */
public record KeyHierarchyConfig(KeysLayout layout, KmsProviders providers, KeyringStore store, Duration cacheTtl,
                                 Duration revokedProbeInterval, long maxMessagesPerDek, long nonceReservation,
                                 RetryPolicy retry, String caller, InstantSource clock) {

    public static final long DEFAULT_MAX_MESSAGES_PER_DEK = 1L << 32;

    public KeyHierarchyConfig {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
        if (cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("cacheTtl must be positive");
        }
        if (maxMessagesPerDek <= 0 || nonceReservation <= 0) {
            throw new IllegalArgumentException("maxMessagesPerDek and nonceReservation must be positive");
        }
    }

    public static Builder builder(Path dataDir) {
        return new Builder(KeysLayout.under(dataDir));
    }

    /** Builds a config with production defaults: 10 min TTL, 2^32 messages per DEK, all providers. */
    public static final class Builder {
        private final KeysLayout layout;
        private KmsProviders providers;
        private KeyringStore store;
        private Duration cacheTtl = Duration.ofMinutes(10);
        private Duration revokedProbeInterval = Duration.ofSeconds(30);
        private long maxMessagesPerDek = DEFAULT_MAX_MESSAGES_PER_DEK;
        private long nonceReservation = 1L << 20;
        private RetryPolicy retry = RetryPolicy.defaults();
        private String caller = "cairn";
        private InstantSource clock = InstantSource.system();

        private Builder(KeysLayout layout) {
            this.layout = layout;
        }

        public Builder providers(KmsProviders p) {
            this.providers = p;
            return this;
        }

        public Builder store(KeyringStore s) {
            this.store = s;
            return this;
        }

        public Builder cacheTtl(Duration d) {
            this.cacheTtl = d;
            return this;
        }

        public Builder revokedProbeInterval(Duration d) {
            this.revokedProbeInterval = d;
            return this;
        }

        public Builder maxMessagesPerDek(long n) {
            this.maxMessagesPerDek = n;
            return this;
        }

        public Builder nonceReservation(long n) {
            this.nonceReservation = n;
            return this;
        }

        public Builder retry(RetryPolicy r) {
            this.retry = r;
            return this;
        }

        public Builder caller(String c) {
            this.caller = c;
            return this;
        }

        public Builder clock(InstantSource c) {
            this.clock = c;
            return this;
        }

        public KeyHierarchyConfig build() {
            KmsProviders p = providers != null ? providers : StandardProviders.create(layout, clock);
            KeyringStore s = store != null ? store : new FileKeyringStore(layout);
            return new KeyHierarchyConfig(layout, p, s, cacheTtl, revokedProbeInterval, maxMessagesPerDek,
                    nonceReservation, retry, caller, clock);
        }
    }
}
