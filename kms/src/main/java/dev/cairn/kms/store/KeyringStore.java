package dev.cairn.kms.store;

import dev.cairn.common.Id128;

import java.util.List;
import java.util.Optional;

/** Durable storage of tenant keyrings. {@link #save} is atomic: after a crash, the old or the new value. */
public interface KeyringStore {

    List<Id128> tenants();

    Optional<TenantKeyring> load(Id128 tenant);

    /** Writes the keyring with its generation incremented; returns what was written. */
    TenantKeyring save(TenantKeyring keyring);
}
