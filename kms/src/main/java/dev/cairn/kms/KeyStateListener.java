package dev.cairn.kms;

import dev.cairn.common.Id128;

/**
 * Told when a tenant's key state changes, e.g. so computes of a revoked tenant are terminated. Called
 * synchronously on the thread that detected the change, outside the hierarchy's locks; keep it short.
 */
@FunctionalInterface
public interface KeyStateListener {
    void stateChanged(Id128 tenant, TenantState from, TenantState to, String reason);
}
