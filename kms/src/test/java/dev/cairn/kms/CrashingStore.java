package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.store.KeyringStore;
import dev.cairn.kms.store.TenantKeyring;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that "kills the process" (throws {@link SimulatedCrash}) instead of performing a given save. */
final class CrashingStore implements KeyringStore {
    static final class SimulatedCrash extends Error {
        SimulatedCrash(int save) {
            super("simulated crash before keyring write #" + save);
        }
    }

    private final KeyringStore delegate;
    private final AtomicInteger savesLeft;
    private final AtomicInteger saves = new AtomicInteger();

    CrashingStore(KeyringStore delegate, int savesBeforeCrash) {
        this.delegate = delegate;
        this.savesLeft = new AtomicInteger(savesBeforeCrash);
    }

    @Override
    public List<dev.cairn.common.Id128> tenants() {
        return delegate.tenants();
    }

    @Override
    public Optional<TenantKeyring> load(dev.cairn.common.Id128 tenant) {
        return delegate.load(tenant);
    }

    @Override
    public TenantKeyring save(TenantKeyring keyring) {
        int n = saves.incrementAndGet();
        if (savesLeft.getAndDecrement() <= 0) {
            throw new SimulatedCrash(n);
        }
        return delegate.save(keyring);
    }
}
