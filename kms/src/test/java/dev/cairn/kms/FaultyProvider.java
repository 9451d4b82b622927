package dev.cairn.kms;

import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.ProviderHealth;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;

import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a provider and injects transient failures or revocations on demand; counts calls. */
public final class FaultyProvider implements KmsProvider {
    public enum Mode { OK, TRANSIENT, REVOKED }

    private final KmsProvider delegate;
    public volatile Mode mode = Mode.OK;
    /** Transient failures to inject before succeeding again (when mode is OK). */
    public final AtomicInteger transientFailures = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();

    public FaultyProvider(KmsProvider delegate) {
        this.delegate = delegate;
    }

    private void maybeFail(KeyRef ref) {
        calls.incrementAndGet();
        if (mode == Mode.TRANSIENT || transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KmsTransientException(ref, "injected: 503 Service Unavailable", null);
        }
        if (mode == Mode.REVOKED) {
            throw new KmsKeyRevokedException(ref, "injected: key disabled", null);
        }
    }

    @Override
    public String scheme() {
        return delegate.scheme();
    }

    @Override
    public WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context) {
        maybeFail(cmk);
        return delegate.wrap(cmk, plaintextKey, context);
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped, WrapContext context) {
        maybeFail(wrapped.keyRef());
        return delegate.unwrap(wrapped, context);
    }

    @Override
    public KeyDescription describe(KeyRef cmk) {
        maybeFail(cmk);
        return delegate.describe(cmk);
    }

    @Override
    public ProviderHealth health() {
        return delegate.health();
    }
}
