package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.cache.CachedTenantKeys;
import dev.cairn.kms.crypto.NonceSequence;
import dev.cairn.kms.store.TenantKeyring;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory state of one tenant inside a {@link KeyHierarchy}. Keyring changes and KMS loads happen
 * under {@link #mutex}; the hot path reads the volatile fields without locking.
 */
final class TenantRuntime {
    /** Why and by whom the tenant is revoked. */
    record Revoked(RevocationSource source, String reason) {
    }

    final Id128 id;
    final Object mutex = new Object();
    final ReentrantLock refreshLock = new ReentrantLock();
    final ConcurrentMap<Long, NonceSequence> writers = new ConcurrentHashMap<>();
    private final byte[] tenantBinding;

    volatile TenantKeyring keyring;
    volatile CachedTenantKeys keys;
    /** Null while active; replaced as a whole so readers never see a half-updated revocation. */
    volatile Revoked revoked;
    volatile long nextProbeAtMillis;
    volatile long nextRefreshAttemptMillis;

    TenantRuntime(Id128 id, TenantKeyring keyring) {
        this.id = id;
        this.keyring = keyring;
        if (keyring.revocation() != null) {
            revoked = new Revoked(keyring.revocation().source(), keyring.revocation().reason());
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeUTF("cairn-envelope-v1");
            out.writeUTF(id.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tenantBinding = b.toByteArray();
    }

    TenantState state() {
        return revoked == null ? TenantState.ACTIVE : TenantState.REVOKED;
    }

    /** The GCM binding of a data envelope: tenant, then the caller's AAD. */
    byte[] binding(Aad aad) {
        byte[] a = aad.encode();
        byte[] out = new byte[tenantBinding.length + a.length];
        System.arraycopy(tenantBinding, 0, out, 0, tenantBinding.length);
        System.arraycopy(a, 0, out, tenantBinding.length, a.length);
        return out;
    }
}
